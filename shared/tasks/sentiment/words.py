"The sentiment Space's words, and its answer's sentences."
from shared.serving.i18n import Words

EN = {
    "title": "Movie review sentiment",
    "intro": "# Positive or negative?\nChapter 1 of *Deep Learning for Coders*: transfer learning for text. A "
             "transformer pretrained on a billion sentences (all-MiniLM-L6-v2), fine-tuned with fastai on IMDB "
             "reviews, beside an n-gram model trained from scratch; the verdict combines both. **Tap an example "
             "review** below, or write your own (in English).",
    "review": "Movie review (English)",
    "placeholder": "The acting was wonderful, but the plot...",
    "classify": "Classify",
    "verdict": "Verdict (both models together)",
    "each_model": "What each model says on its own",
    "transformer": "Transformer: pretrained MiniLM, fine-tuned on IMDB",
    "baseline": "Baseline: n-gram NBSVM++, trained from scratch",
    "words": "Which words pushed the baseline",
    "words_key": "**Colour key:** <span class='key pos'>red</span> = the word pushed towards *positive*, "
                 "<span class='key neg'>blue</span> = towards *negative*; the stronger the colour, the bigger the "
                 "push; no colour = no push.",
    "sentences_fold": "The transformer's sentences (slower: one pass per sentence)",
    "why": "Which sentences moved the transformer?",
    "sentences": "Each sentence's push (red: positive, blue: negative)",
    "examples": "Real IMDB reviews (Maas et al., 2011), never seen in training: tap one",
    # refusals (shared.serving.errors.Refused)
    "empty": "Please type or paste a movie review: the box is empty.",
    "not_text": "The review holds a character that is not text (U+{code}, a lone surrogate, at character {at}): please "
                "paste the review again.",
    "no_known_words": "The model knows none of these words, so it cannot judge. It learned from English IMDB movie "
                      "reviews: please write a few sentences about a film.",
    "no_transformer": "This model has no transformer: the word highlights above are its explanation.",
    # the answer
    "positive": "positive", "negative": "negative",
    "lbl_positive": "positive", "lbl_negative": "negative",  # the Labels' class names, on screen
    "fairly_sure": "fairly sure", "leaning": "leaning", "unsure": "unsure, slightly",
    "headline": "**{label}** ({p}; {sure}).",
    "both_said": "The pretrained transformer says {t}, the n-gram baseline says {b}",
    "disagree": ": they disagree, and the verdict weighs them as fitted on validation reviews",
    "truncated": "Only the first {n} characters were read (the review is longer).",
    "short": "This is very short for a review: the answer rests on a word or two.",
    "unknown_words": "Most of these words are unknown to the model (it learned from English IMDB reviews), so the "
                     "answer rests on the few it knows.",
}

KO = {
    "title": "영화 리뷰 감성 분석",
    "intro": "# 긍정일까, 부정일까?\n*Deep Learning for Coders* 1장: 텍스트에서의 전이 학습. 10억 개 문장으로 사전 "
             "학습한 트랜스포머(all-MiniLM-L6-v2)를 fastai로 IMDB 리뷰에 미세 조정한 모델과, 처음부터 학습한 n-gram "
             "모델을 나란히 두고 두 모델을 합쳐 판정합니다. 아래 **예시 리뷰를 눌러 보거나** 직접 써 보세요(영어 리뷰로 "
             "학습했으니 영어로 써 주세요).",
    "review": "영화 리뷰 (영어)",
    "placeholder": "여기에 영어 리뷰를 쓰거나 붙여 넣으세요…",
    "classify": "판정하기",
    "verdict": "판정 (두 모델 종합)",
    "each_model": "각 모델의 단독 판정",
    "transformer": "트랜스포머: 사전 학습한 MiniLM을 IMDB로 미세 조정",
    "baseline": "베이스라인: n-gram NBSVM++, 처음부터 학습",
    "words": "베이스라인의 판정을 움직인 단어",
    "words_key": "**색 읽는 법:** <span class='key pos'>빨강</span>은 *긍정* 쪽으로, <span class='key neg'>파랑</span>은 "
                 "*부정* 쪽으로 민 단어입니다. 색이 진할수록 크게 밀었고, 색이 없으면 영향이 없습니다.",
    "sentences_fold": "트랜스포머가 본 문장 (느림: 문장마다 한 번씩 다시 계산)",
    "why": "어떤 문장이 트랜스포머를 움직였을까?",
    "sentences": "문장별 영향 (빨강: 긍정, 파랑: 부정)",
    "examples": "학습에 쓰지 않은 실제 IMDB 리뷰 (Maas 외, 2011): 눌러 보세요",
    "empty": "영화 리뷰를 입력하거나 붙여 넣어 주세요. 입력 칸이 비어 있습니다.",
    "not_text": "리뷰에 글자가 아닌 문자가 들어 있습니다 ({at}번째 글자, U+{code}, 짝 없는 서로게이트). 리뷰를 다시 "
                "붙여 넣어 주세요.",
    "no_known_words": "모델이 아는 단어가 하나도 없어서 판정할 수 없습니다. 이 모델은 영어 IMDB 영화 리뷰로 "
                      "배웠습니다. 영화에 대해 영어로 몇 문장 써 주세요.",
    "no_transformer": "이 모델에는 트랜스포머가 없습니다. 위의 단어 색칠이 이 모델의 설명입니다.",
    "positive": "긍정", "negative": "부정",
    "lbl_positive": "긍정", "lbl_negative": "부정",
    "fairly_sure": "꽤 확신", "leaning": "약간 기울어짐", "unsure": "확신 없음, 아주 조금 기울어짐",
    "headline": "**{label}** ({p}, {sure}).",
    "both_said": "사전 학습한 트랜스포머의 판단은 {t}, n-gram 베이스라인의 판단은 {b}입니다",
    "disagree": ". 두 모델의 의견이 달라서 검증 리뷰로 맞춘 가중치대로 둘을 합쳐 판정했습니다",
    "truncated": "리뷰가 길어서 앞의 {n}자만 읽었습니다.",
    "short": "리뷰로는 아주 짧습니다. 단어 한두 개에 기댄 답입니다.",
    "unknown_words": "대부분 모델이 모르는 단어입니다(영어 IMDB 리뷰로 배웠습니다). 아는 몇 단어에만 기댄 답입니다.",
}

T = Words("sentiment", EN, KO)
