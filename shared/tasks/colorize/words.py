"The colorize Space's words."
from shared.serving.i18n import Words

EN = {
    "title": "Colorize old photos",
    "intro": "# Colorize: black-and-white photos in colour\nChapter 1 of *Deep Learning for Coders*: deep learning "
             "can colourise old photos. **Tap an example**, or upload your own (a colour photo is turned grey "
             "first, so you can compare with the truth), then slide to see before and after.",
    "photo": "Photo",
    "strength": "Colour strength",
    "strength_info": "0 = grey, 1 = the model's colours, 2 = twice as vivid",
    "colorize": "Colorize",
    "examples": "Try an example (tap it)",
    "slider": "Before / after (slide)",
    "result": "Colourised photo (full size, PNG: use the download button)",
}

KO = {
    "title": "흑백 사진 컬러로 바꾸기",
    "intro": "# 흑백 사진을 컬러로\n*Deep Learning for Coders* 1장: 딥러닝은 오래된 사진에 색을 입힐 수도 있습니다. "
             "**예시를 눌러 보거나** 직접 사진을 올려 보세요(컬러 사진은 먼저 흑백으로 바꾸니 원래 색과 비교할 수 "
             "있습니다). 슬라이더를 밀어 전후를 비교해 보세요.",
    "photo": "사진",
    "strength": "색의 세기",
    "strength_info": "0 = 흑백, 1 = 모델이 고른 색, 2 = 두 배 선명하게",
    "colorize": "색 입히기",
    "examples": "예시 사진 (눌러 보세요)",
    "slider": "전 / 후 (밀어서 비교)",
    "result": "색을 입힌 사진 (원본 크기 PNG: 내려받기 버튼)",
}

T = Words("colorize", EN, KO)
