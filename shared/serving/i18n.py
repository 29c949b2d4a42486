"""English and Korean. Each Space keeps its words in one module, `shared/tasks/<space>/words.py` (the gallery's: `shared/gallery/words.py`): two dicts, EN and KO,
with the same keys, and `T = Words("<space>", EN, KO)`.

- What the page shows before any answer (titles, labels, buttons, explanations) is `T("key")`: Gradio's
  `gr.I18n` key, translated in the browser into its language (or the one picked in Gradio's Settings).
- What an answer says (a verdict, a summary) is `T.text("key", lang(request), **values)`: the language the
  page shows (a cookie that `language_script` keeps equal to it, so Gradio's Settings switch counts too), else
  the request's Accept-Language, picks it on the server.

`translations()` is every registered Space's words as one `gr.I18n` (keys `<space>.<key>`): `ui.launch` hands it
to Gradio, for a Space alone and for the gallery alike. API names, MCP tools and docstrings stay English.
"""
from __future__ import annotations

import re

LANGS = ("en", "ko")
_REGISTRY: dict[str, "Words"] = {}


class Words:
    def __init__(self, space: str, en: dict[str, str], ko: dict[str, str]):
        missing = set(en) ^ set(ko)
        if missing:
            raise ValueError(f"{space}: keys not in both English and Korean: {sorted(missing)}")
        self.space, self.by_lang = space, {"en": en, "ko": ko}
        _REGISTRY[space] = self

    def __call__(self, key: str):
        "Static text for a component (label, value, info...): translated by the browser."
        from gradio.i18n import I18nData
        if key not in self.by_lang["en"]:
            raise KeyError(f"{self.space}: no words for {key!r}")
        return I18nData(f"{self.space}.{key}")

    def text(self, key: str, lang: str = "en", **values) -> str:
        "Text an answer carries, in `lang` ('en' or 'ko'), with `values` filled in (str.format)."
        words = self.by_lang.get(lang, self.by_lang["en"])[key]
        return words.format(**values) if values else words

    def keys(self):
        return self.by_lang["en"].keys()


def translations():
    "Every registered Space's words as one gr.I18n, for `launch(i18n=...)`."
    import gradio as gr
    return gr.I18n(**{lang: {f"{w.space}.{k}": v for w in _REGISTRY.values() for k, v in w.by_lang[lang].items()}
                      for lang in LANGS})


def columns_script() -> str:
    """A <head> script: a table's column names, the examples' labels and a gr.Label's class names (data to Gradio,
    which gr.I18n does not translate) shown in the page's language: every registered `col_*`, `ex_*` and `lbl_*`
    word, English -> Korean, on screen only (the API keeps its English values)."""
    import json
    pairs = {w.by_lang["en"][k]: w.by_lang["ko"][k] for w in _REGISTRY.values() for k in w.keys()
             if k.startswith(("col_", "ex_", "lbl_")) and w.by_lang["en"][k] != w.by_lang["ko"][k]}
    return """<script>(() => {
  const ko = %s;
  const swap = () => {
    if (!(document.documentElement.lang || "").toLowerCase().startsWith("ko")) return;
    const shown = "th .header-content span, th span.header, button.gallery-item, h2.output-class, dt.text";
    for (const cell of document.querySelectorAll(shown)) {
      const words = ko[cell.textContent.trim()];
      if (words && cell.textContent !== words) cell.textContent = words;
    }
  };
  // as soon as Gradio draws (before the browser paints: no English flash when a tab or table re-renders), and
  // every second in case
  const watch = () => new MutationObserver(swap).observe(document.body, {childList: true, subtree: true,
                                                                        characterData: true});
  document.body ? watch() : document.addEventListener("DOMContentLoaded", watch);
  setInterval(swap, 1000);
})();</script>""" % json.dumps(pairs, ensure_ascii=False)


COOKIE = "chapter_one_lang"


def language_script() -> str:
    "A <head> script: the language the page shows (Gradio sets <html lang>) as a cookie, for `lang` on the server."
    return """<script>(() => {
  const tell = () => {
    const shown = document.documentElement.lang;
    if (shown) document.cookie = `%s=${shown}; path=/; SameSite=Lax`;
  };
  tell();  // at once, and whenever Gradio changes <html lang> (before the visitor's next click can ask)
  new MutationObserver(tell).observe(document.documentElement, {attributes: true, attributeFilter: ["lang"]});
})();</script>""" % COOKIE


def lang(request=None) -> str:
    """'ko' or 'en': the language the visitor's page shows (its cookie), else the one the browser asks first
    (Accept-Language), else English. `request`: gr.Request (or any request with headers, or a dict of headers), or
    None (an API call without one: English)."""
    headers = {}
    try:
        headers = request if isinstance(request, dict) else request.headers if request is not None else {}
    except AttributeError:
        pass
    cookie = re.search(rf"(?:^|;\s*){COOKIE}=([A-Za-z-]+)", headers.get("cookie", "") or "")
    first = cookie.group(1) if cookie else re.split(r"[,;]", headers.get("accept-language", "") or "en", maxsplit=1)[0]
    return "ko" if first.strip().lower().startswith("ko") else "en"


def text_of(value, lang: str = "en", translations_dict: dict | None = None) -> str:
    """A config value as the browser shows it: a `__i18n__{"key": ...}` marker replaced by its words in `lang`
    (from a config's `i18n_translations`, or the registered words). Reads Gradio 6.31.0's private marker format
    (`gradio.i18n.I18nData.__str__`); tests/test_gradio_private.py fails if a served config stops carrying it."""
    import json
    if not isinstance(value, str) or "__i18n__" not in value:
        return value
    table = (translations_dict or translations().translations_dict).get(lang, {})

    def swap(m):
        key = json.loads(m.group(1)).get("key", "")
        return table.get(key, key)
    return re.sub(r"__i18n__(\{[^}]*\})", swap, value)
