"""The Hugging Face Hub side of `python -m shared.ops.deploy`: check the models, create or update a Space, upload.

Every call goes through `hub_call`, so a failure is one clear line without the token: a 402 says what a free
account may create, a missing model says how to push it, anything else says to check network and token.
The token comes from $HF_TOKEN or the `hf auth login` cache and is never printed.
"""
from __future__ import annotations

import os
from pathlib import Path

ACCOUNT_REQUIREMENTS = (
    "Since July 2026 a free account cannot create CPU Gradio Spaces and may host at most {limit} ZeroGPU Spaces. "
    "The free way: the whole suite as ONE ZeroGPU Space, `python -m shared.ops.deploy --user YOU` (no flags; "
    "= `--combined --hardware zero-a10g`); delete a ZeroGPU Space you no longer need if you already have {limit}. "
    "CPU Spaces and more ZeroGPU Spaces need a PRO account or an organisation with billing.")
FREE_ZERO_GPU_SPACES = 2
PAYMENT_REQUIRED = ("the Hub answered 402 Payment Required while creating or configuring {repo} on {hardware}. "
                    + ACCOUNT_REQUIREMENTS.format(limit=FREE_ZERO_GPU_SPACES))


class HubError(RuntimeError):
    """A Hub call that failed (network, auth, quota), as one line without the token."""


class PaymentRequired(HubError):
    """HTTP 402: the account may not create (or upgrade) this Space."""


class MissingModels(HubError):
    """Models the bundles point at are not on the Hub (checked before any Space is created)."""


class NoRoom(HubError):
    """The deploy would take the account over what it may host on ZeroGPU (checked before any Space is created)."""


def hub_token() -> str | None:
    "HF_TOKEN, else None (huggingface_hub then reads the login cache). Never printed."
    return os.environ.get("HF_TOKEN") or None


def api():
    from huggingface_hub import HfApi
    return HfApi(token=hub_token())


def scrub(text: str) -> str:
    token = hub_token()
    return text.replace(token, "***") if token else text


def status_of(e: Exception) -> int | None:
    response = getattr(e, "response", None)
    return getattr(response, "status_code", None)


def as_hub_error(e: Exception, what: str = "", hardware: str | None = None) -> HubError:
    "One scrubbed line for a failed Hub call; PaymentRequired (with what to do) for HTTP 402."
    if isinstance(e, HubError):
        return e
    if status_of(e) == 402:
        return PaymentRequired(PAYMENT_REQUIRED.format(repo=what or "the Space", hardware=hardware or "its hardware"))
    return HubError(scrub(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"))


def hub_call(fn, *args, what: str = "", hardware: str | None = None, **kwargs):
    "Run a Hub call; any failure becomes a HubError with one scrubbed line (the token is never shown)."
    try:
        return fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - huggingface_hub raises many types (HTTP, connection, offline, auth)
        raise as_hub_error(e, what, hardware) from None


def whoami() -> str:
    return hub_call(lambda: api().whoami()["name"], what="whoami")


def missing_models(models: dict[str, str]) -> dict[str, str]:
    """{space: "user/repo[@revision]"} of the models that are not on the Hub (or not at that revision, or not
    visible to the token). Other failures (network, token) raise a HubError."""
    from huggingface_hub.errors import RepositoryNotFoundError, RevisionNotFoundError
    hub, missing = api(), {}
    for name, ref in models.items():
        repo, _, revision = ref.partition("@")
        try:
            hub.model_info(repo, revision=revision or None)
        except (RepositoryNotFoundError, RevisionNotFoundError):
            missing[name] = ref
        except Exception as e:  # noqa: BLE001
            raise as_hub_error(e, repo) from None
    return missing


def check_models(models: dict[str, str]):
    "Stop before any Space is created when a model the bundles need is not on the Hub, saying how to push it."
    missing = missing_models(models)
    if missing:
        lines = [f"{ref} (for {name})" for name, ref in missing.items()]
        raise MissingModels(
            "these models are not on the Hub: " + "; ".join(lines) + ". Nothing was created. Push them first: "
            "`python -m shared.ops.deploy --push-models --user YOU` pushes every Space's model/ folder to YOU/<space>; "
            "a model you trained: `python -m shared.training TASK ... --push-to-hub YOU/REPO`.")


def zero_gpu_spaces(user: str) -> list[str]:
    "The ids of the account's Spaces on ZeroGPU hardware (running there, or requested)."
    spaces = hub_call(lambda: list(api().list_spaces(author=user, expand=["runtime"])), what=f"{user}'s Spaces")
    return sorted(s.id for s in spaces if any(str(h or "").startswith("zero-") for h in
                                              (getattr(s.runtime, "hardware", None),
                                               getattr(s.runtime, "requested_hardware", None))))


def check_zero_gpu_room(user: str, repo_ids: list[str]):
    """Stop before any Space is created when the ZeroGPU Spaces this deploy adds (those that do not exist yet)
    would take a free account over its limit; a PRO account or an organisation is left to the Hub's own answer."""
    have = zero_gpu_spaces(user)
    new = [r for r in repo_ids if r not in have]
    if not new or len(have) + len(new) <= FREE_ZERO_GPU_SPACES:
        return
    me = hub_call(lambda: api().whoami(), what="whoami")
    if me.get("isPro") or me.get("name") != user:
        return
    fits = max(FREE_ZERO_GPU_SPACES - len(have), 0)
    raise NoRoom(
        f"{user} already has {len(have)} ZeroGPU Space{'s' if len(have) != 1 else ''} ({', '.join(have) or 'none'}); "
        f"this deploy would create {len(new)} more ({', '.join(new)}), and {fits} fit{'s' if fits == 1 else ''}. "
        "Nothing was created. " + ACCOUNT_REQUIREMENTS.format(limit=FREE_ZERO_GPU_SPACES))


def push_models(models: dict[str, tuple[Path, str]]):
    "Push model folders to Hub model repos: {space: (folder, user/repo)}."
    from shared.serving import artifact
    for name, (folder, repo) in models.items():
        url = hub_call(artifact.push, folder, repo, token=hub_token(), what=repo)
        print(f"pushed spaces/{name}/model -> {url}", flush=True)


def sync_space(repo_id: str, hardware: str | None, variables: dict[str, str | None]):
    """Make an existing Space match the deploy: each model variable set to the deployed model (or deleted when
    the Space serves its model/ folder), the hardware requested again. `create_repo(exist_ok=True)` ignores both."""
    hub = api()
    current = hub_call(hub.get_space_variables, repo_id, what=repo_id)
    for key, value in variables.items():
        if value and getattr(current.get(key), "value", None) != value:
            hub_call(hub.add_space_variable, repo_id, key, value, what=repo_id,
                     description="the Hub model this Space serves (set by python -m shared.ops.deploy)")
        elif not value and key in current:
            hub_call(hub.delete_space_variable, repo_id, key, what=repo_id)
    if hardware:
        hub_call(hub.request_space_hardware, repo_id, hardware, what=repo_id, hardware=hardware)


def upload(folder: Path, repo_id: str, hardware: str | None = None, private: bool = False,
           variables: dict[str, str | None] | None = None) -> str:
    """Create the Space (on `hardware`) if needed, bring its variables and hardware up to date, upload the
    bundle folder; returns the Space's URL."""
    variables = variables or {}
    hub = api()
    kwargs = dict(repo_type="space", space_sdk="gradio", exist_ok=True, private=private)
    if hardware:
        kwargs["space_hardware"] = hardware
    if any(variables.values()):
        kwargs["space_variables"] = [{"key": k, "value": v} for k, v in variables.items() if v]
    repo = hub_call(hub.create_repo, repo_id, what=repo_id, hardware=hardware, **kwargs)
    sync_space(repo.repo_id, hardware, variables)
    hub_call(hub.upload_folder, repo_id=repo.repo_id, folder_path=str(folder), repo_type="space", what=repo_id,
             commit_message="Deploy with python -m shared.ops.deploy", delete_patterns=["shared/**", "spaces/**"])
    return f"https://huggingface.co/spaces/{repo.repo_id}"
