"The pets Space's words (the answer's own sentences are in shared.tasks.pets.ui)."
from shared.serving.i18n import Words
from shared.tasks.pets.teach.limits import Limits

_L = Limits()
# Why the teach tab skipped a file (shared.tasks.pets.teach: Album.skip's reasons, which the English report shows as
# they are) -> Korean
SKIPPED_KO = {
    "not a photo (by its file name)": "사진이 아님 (파일 이름으로 보아)",
    "not inside a label folder": "라벨 폴더 안에 있지 않음",
    "the same name twice in the .zip (read once)": ".zip 안에 같은 이름이 두 번 있음 (한 번만 읽음)",
    f"larger than {_L.max_photo_bytes // 2**20} MB": f"{_L.max_photo_bytes // 2**20}MB보다 큼",
    "too large to decode": "너무 커서 열 수 없음",
    "not readable as a photo": "사진으로 읽을 수 없음",
}

# The Oxford-IIIT keys (what the API answers, config.json's labels) -> names as people write them (what the UI shows)
BREED_NAMES = {
    "Abyssinian": "Abyssinian", "Bengal": "Bengal", "Birman": "Birman", "Bombay": "Bombay",
    "British_Shorthair": "British Shorthair", "Egyptian_Mau": "Egyptian Mau", "Maine_Coon": "Maine Coon",
    "Persian": "Persian", "Ragdoll": "Ragdoll", "Russian_Blue": "Russian Blue", "Siamese": "Siamese",
    "Sphynx": "Sphynx", "american_bulldog": "American Bulldog", "american_pit_bull_terrier": "American Pit Bull Terrier",
    "basset_hound": "Basset Hound", "beagle": "Beagle", "boxer": "Boxer", "chihuahua": "Chihuahua",
    "english_cocker_spaniel": "English Cocker Spaniel", "english_setter": "English Setter",
    "german_shorthaired": "German Shorthaired Pointer", "great_pyrenees": "Great Pyrenees", "havanese": "Havanese",
    "japanese_chin": "Japanese Chin", "keeshond": "Keeshond", "leonberger": "Leonberger",
    "miniature_pinscher": "Miniature Pinscher", "newfoundland": "Newfoundland", "pomeranian": "Pomeranian",
    "pug": "Pug", "saint_bernard": "Saint Bernard", "samoyed": "Samoyed", "scottish_terrier": "Scottish Terrier",
    "shiba_inu": "Shiba Inu", "staffordshire_bull_terrier": "Staffordshire Bull Terrier",
    "wheaten_terrier": "Wheaten Terrier", "yorkshire_terrier": "Yorkshire Terrier",
}
# ... and as Korean breeders and vets write them
BREED_NAMES_KO = {
    "Abyssinian": "아비시니안", "Bengal": "벵갈", "Birman": "버먼", "Bombay": "봄베이",
    "British_Shorthair": "브리티시 쇼트헤어", "Egyptian_Mau": "이집션 마우", "Maine_Coon": "메인쿤",
    "Persian": "페르시안", "Ragdoll": "랙돌", "Russian_Blue": "러시안 블루", "Siamese": "샴",
    "Sphynx": "스핑크스", "american_bulldog": "아메리칸 불도그", "american_pit_bull_terrier": "아메리칸 핏불 테리어",
    "basset_hound": "바셋 하운드", "beagle": "비글", "boxer": "복서", "chihuahua": "치와와",
    "english_cocker_spaniel": "잉글리시 코커 스패니얼", "english_setter": "잉글리시 세터",
    "german_shorthaired": "저먼 쇼트헤어드 포인터", "great_pyrenees": "그레이트 피레니즈", "havanese": "하바니즈",
    "japanese_chin": "재패니즈 친", "keeshond": "키스혼드", "leonberger": "레온베르거",
    "miniature_pinscher": "미니어처 핀셔", "newfoundland": "뉴펀들랜드", "pomeranian": "포메라니안",
    "pug": "퍼그", "saint_bernard": "세인트 버나드", "samoyed": "사모예드", "scottish_terrier": "스코티시 테리어",
    "shiba_inu": "시바견", "staffordshire_bull_terrier": "스태퍼드셔 불 테리어",
    "wheaten_terrier": "휘튼 테리어", "yorkshire_terrier": "요크셔 테리어",
}

EN = {
    "title": "Is it a cat? Pet breeds",
    "intro": "# Is it a cat? Which breed?\nChapter 1 of *Deep Learning for Coders* starts here: a network pretrained "
             "on ImageNet, fine-tuned with fastai on 37 breeds of cats and dogs (transfer learning). "
             "**Tap an example photo**, or upload, paste or snap your own cat or dog.",
    "tab_classify": "Classify",
    "tab_teach": "Teach it your own labels",
    "photo": "Photo",
    "classify": "Classify",
    "examples": "Try an example (tap it)",
    "breed": "Breed",
    "label": "Label",
    "species": "Cat or dog?",
    "heat": "Where the model looked",
    "heat_key": "**How to read the picture:** red and yellow = the parts that pushed the model most towards its "
                "answer; blue = little push; no colour = ignored (a class activation map, Grad-CAM).",
    # the teach tab
    "teach_about": "Teach the network **your own labels** from a few photos. No photos at hand? **Tap the sample "
                   "below**: it teaches three breeds from a few photos each. Your own: a .zip with one folder of "
                   f"photos per label (`bears/grizzly/1.jpg`, `bears/black/1.jpg`, ...; 2 to {_L.max_labels} "
                   f"labels, at least {_L.min_per_label} photos each, {_L.max_photos} at most). The pretrained "
                   "body stays as it is; a new head learns your labels from its features in seconds on a CPU "
                   "(chapter 1: no big data, no GPU). You get an honest held-out estimate, the confusion matrix, a "
                   "box to try the model, and the model itself to download.",
    "zip": "Your photos (.zip, one folder per label)",
    "sample": "Sample: 3 breeds, a few photos each (tap it: it teaches at once)",
    "teach": "Teach",
    "t_progress_features": "Features of {n} of {total} photos",
    "t_progress_fit": "Fitting the new head",
    "t_progress_measure": "Measuring it on held-out photos",
    "model_zip": "Your taught model, to download (.zip; appears after teaching)",
    "confusion": "Confusion matrix (held-out photos)",
    "try_heading": "### Try your model on a new photo",
    "new_photo": "New photo",
    "label_it": "Label it with your model",
    "your_labels": "Your labels",
    # the teach tab's refusals (shared.serving.errors.Refused)
    "t_hint": "Put one folder per label in the .zip, with at least {min} photos in each, e.g. `cats/1.jpg, "
              "cats/2.jpg, dogs/1.jpg, dogs/2.jpg`.",
    "t_no_zip": "No .zip received. {hint}",
    "t_directory": "The .zip holds {entries} entries ({mb} MB of directory); at most {most} are read. Zip only the "
                   "label folders of photos.",
    "t_not_zip": "That file is not a readable .zip archive ({why}). {hint}",
    "t_entries": "The .zip holds {entries} entries; at most {most} are read.",
    "t_outside": "The .zip was refused: its entry {name} points outside the archive (an absolute path or `..`). Zip "
                 "the label folders themselves.",
    "t_total": "The photos in the .zip add up to more than {mb} MB uncompressed: send smaller photos or fewer of them.",
    "t_overlap": "The .zip was refused: its entries {a} and {b} overlap (one stored file under several names, a zip "
                 "bomb's trick). Zip the photos again.",
    "t_encrypted": "The .zip is encrypted (password-protected): {name} cannot be read. Zip the photos again without a "
                   "password.",
    "t_method": "The .zip's entry {name} is compressed with {method}, which this Space cannot read. Zip the photos "
                "again with ordinary (deflate) compression.",
    "t_labels": "The .zip has {n} labels (folders); this tab teaches at most {most}.",
    "t_photos": "The .zip has {n} photos; this tab teaches from at most {most} (a few dozen per label is plenty).",
    "t_one_label": "The .zip has only one label ({label}): a classifier needs at least two labels to choose between. "
                   "{hint}",
    "t_no_labels": "The .zip has no photos in label folders: a classifier needs at least two labels to choose between. "
                   "{hint}",
    "t_few": "Too few photos for {labels}: each label needs at least {min} (one to learn from while another is held "
             "out to measure). {hint}",
    "t_crc": "The .zip was refused: its entry {name} does not match its checksum (CRC): its data is damaged, or longer "
             "than its header says. Zip the photos again.",
    "t_damaged": "The .zip was refused: its entry {name} is damaged ({why}). Zip the photos again.",
    "t_deflate": "The .zip was refused: the compressed data of its entry {name} is damaged. Zip the photos again.",
    "t_truncated": "The .zip was refused: it ends in the middle of its entry {name} (a truncated download?). Zip the "
                   "photos again.",
    "t_unreadable": "The .zip was refused: its entry {name} cannot be read ({why}). Zip the photos again without a "
                    "password, with ordinary compression.",
    "t_longer": "{name} is larger than its header says ({mb} MB read): the .zip was refused.",
    "t_none_read": "None of the photos in the .zip could be read ({why}). Please use JPEG, PNG, WebP or GIF photos of "
                   "at most {mp} megapixels.",
    "t_n_unreadable": "{n} not readable as a photo",
    "t_n_too_large": "{n} too large to decode",
    "t_few_readable": "After skipping unreadable photos, {labels} has fewer than {min} photos: add more readable "
                      "photos to it.",
    "t_teach_first": "Teach a model first: upload a .zip of your photos above and press Teach.",
    # the answer (shared.tasks.pets.ui.verdict)
    "cat": "cat", "dog": "dog", "neither": "neither",
    "lbl_cat": "cat", "lbl_dog": "dog", "lbl_neither": "neither",  # the cat-or-dog Label's class names, on screen
    **{f"lbl_{key}": words for key, words in BREED_NAMES.items()},  # the breed Label's names, on screen
    "looks_like": "Looks like **{label}** ({p}).",
    "not_a_pet": "**This doesn't look like a cat or a dog** ({p} sure it is neither). The model only knows cats, "
                 "dogs and their breeds, so it names no breed here.",
    "not_a_pet_like": "**This doesn't look like a cat or a dog** — it looks more like {a} {thing} ({p} sure it is "
                      "neither). The model only knows cats, dogs and their breeds, so it names no breed here.",
    "not_sure_label": "**Not sure.** Best guess: *{label}* ({p}).",
    "not_sure_species": "**Not sure.** This doesn't look clearly like a cat or a dog to the model: it may not be a "
                        "pet photo, or the animal is hard to see. (Best guess: {kind}, {p}.)",
    "breed_guess": "Looks like a **{kind}** ({p}). The breed is a guess: maybe *{name}* ({pb}).",
    "breed_sure": "Looks like a **{kind}** ({p}), most likely {a} **{name}** ({pb}).",
    # the teach tab's report (shared.tasks.pets.teach.report.text)
    "r_title": "### Taught {labels} labels from {photos} photos in {seconds} s",
    "r_estimate": "**Held-out estimate: {acc}** of the photos labelled right (chance: {chance}), by {folds}-fold "
                  "cross-validation: each photo was labelled by a model trained without it (nor its mirror image).",
    "r_header": "| label | photos | right when held out |",
    "r_skipped": "- {count} file(s) skipped: {reason}",
    "c_predicted": "predicted label", "c_rows": "rows: true label (each photo held out)",
    "r_how": "How: the pets network's pretrained body is kept; each photo and its mirror image become {features} "
             "features, and a new linear head (logistic regression) learns your labels from them. Download the model "
             "below, or try it on new photos right here.",
}

KO = {
    "title": "고양이일까? 반려동물 품종 맞히기",
    "intro": "# 고양이일까? 어떤 품종일까?\n*Deep Learning for Coders* 1장은 여기서 시작합니다. ImageNet으로 사전 학습한 "
             "신경망을 fastai로 고양이와 개 37개 품종에 맞게 미세 조정했습니다(전이 학습). "
             "**아래 예시 사진을 눌러 보세요.** 직접 찍거나 올리거나 붙여 넣은 고양이·개 사진도 됩니다.",
    "tab_classify": "분류하기",
    "tab_teach": "내 라벨 가르치기",
    "photo": "사진",
    "classify": "분류하기",
    "examples": "예시 사진 (눌러 보세요)",
    "breed": "품종",
    "label": "라벨",
    "species": "고양이일까, 개일까?",
    "heat": "모델이 주목한 곳",
    "heat_key": "**그림 읽는 법:** 빨강·노랑은 모델이 답을 고를 때 가장 크게 작용한 부분, 파랑은 조금 작용한 부분, "
                "색이 없는 곳은 거의 보지 않은 부분입니다(클래스 활성화 맵, Grad-CAM).",
    "teach_about": "사진 몇 장으로 신경망에게 **나만의 라벨**을 가르쳐 보세요. 사진이 없다면 **아래 샘플을 누르세요**: "
                   "세 품종을 품종당 몇 장씩으로 가르칩니다. 내 사진으로 하려면 라벨마다 폴더 하나씩 담은 .zip을 올리면 "
                   f"됩니다(`bears/grizzly/1.jpg`, `bears/black/1.jpg`, ...; 라벨 2~{_L.max_labels}개, 라벨당 "
                   f"{_L.min_per_label}장 이상, 모두 {_L.max_photos}장까지). 사전 학습한 몸통은 그대로 두고, 새 "
                   "헤드(head)가 그 특징으로 여러분의 라벨을 CPU에서 몇 초 만에 배웁니다(1장의 교훈: 큰 데이터도 GPU도 "
                   "필요 없습니다). 검증 데이터로 잰 정직한 정확도, 혼동 행렬, 새 사진을 시험할 칸, 그리고 내려받을 "
                   "수 있는 모델을 드립니다.",
    "zip": "내 사진 (.zip, 라벨마다 폴더 하나)",
    "sample": "샘플: 세 품종, 품종당 몇 장 (누르면 바로 가르칩니다)",
    "teach": "가르치기",
    "t_progress_features": "사진 {total}장 중 {n}장의 특징을 뽑았습니다",
    "t_progress_fit": "새 헤드를 학습하는 중",
    "t_progress_measure": "따로 떼어 둔 사진으로 정확도를 재는 중",
    "model_zip": "가르친 모델 내려받기 (.zip, 가르치고 나면 나타납니다)",
    "confusion": "혼동 행렬 (검증용으로 남겨 둔 사진)",
    "try_heading": "### 새 사진으로 내 모델 시험하기",
    "new_photo": "새 사진",
    "label_it": "내 모델로 라벨 붙이기",
    "your_labels": "내 라벨",
    "t_hint": ".zip 안에 라벨마다 폴더를 하나씩 만들고, 폴더마다 사진을 {min}장 이상 넣어 주세요. 예: `cats/1.jpg, "
              "cats/2.jpg, dogs/1.jpg, dogs/2.jpg`.",
    "t_no_zip": "받은 .zip 파일이 없습니다. {hint}",
    "t_directory": "이 .zip에는 항목이 {entries}개 있습니다 (목록만 {mb}MB). {most}개까지만 읽습니다. 사진이 든 라벨 "
                   "폴더만 압축해 주세요.",
    "t_not_zip": "이 파일은 읽을 수 있는 .zip 압축 파일이 아닙니다 ({why}). {hint}",
    "t_entries": "이 .zip에는 항목이 {entries}개 있습니다. {most}개까지만 읽습니다.",
    "t_outside": ".zip을 받을 수 없습니다: 항목 {name}이(가) 압축 파일 바깥을 가리킵니다 (절대 경로나 `..`). 라벨 "
                 "폴더 자체를 압축해 주세요.",
    "t_total": ".zip 속 사진을 모두 풀면 {mb}MB가 넘습니다. 더 작은 사진이나 더 적은 사진을 보내 주세요.",
    "t_overlap": ".zip을 받을 수 없습니다: 항목 {a}와(과) {b}의 데이터가 겹칩니다 (파일 하나를 여러 이름으로 담는 "
                 "압축 폭탄의 수법). 사진을 다시 압축해 주세요.",
    "t_encrypted": "이 .zip은 암호로 잠겨 있어 {name}을(를) 읽을 수 없습니다. 암호 없이 다시 압축해 주세요.",
    "t_method": ".zip의 항목 {name}은(는) {method} 방식으로 압축되어 이 Space에서 읽을 수 없습니다. 일반(deflate) "
                "압축으로 다시 압축해 주세요.",
    "t_labels": "이 .zip에는 라벨(폴더)이 {n}개 있습니다. 이 탭은 {most}개까지만 가르칩니다.",
    "t_photos": "이 .zip에는 사진이 {n}장 있습니다. 이 탭은 {most}장까지만 씁니다 (라벨마다 수십 장이면 충분합니다).",
    "t_one_label": "이 .zip에는 라벨이 하나({label})뿐입니다. 분류기는 고를 라벨이 적어도 두 개 있어야 합니다. {hint}",
    "t_no_labels": "이 .zip의 라벨 폴더 안에 사진이 없습니다. 분류기는 고를 라벨이 적어도 두 개 있어야 합니다. {hint}",
    "t_few": "{labels}의 사진이 너무 적습니다. 라벨마다 적어도 {min}장이 필요합니다 (한 장으로 배우는 동안 다른 한 "
             "장은 평가용으로 남겨 둡니다). {hint}",
    "t_crc": ".zip을 받을 수 없습니다: 항목 {name}이(가) 체크섬(CRC)과 맞지 않습니다. 데이터가 손상되었거나 헤더에 "
             "적힌 것보다 깁니다. 사진을 다시 압축해 주세요.",
    "t_damaged": ".zip을 받을 수 없습니다: 항목 {name}이(가) 손상되었습니다 ({why}). 사진을 다시 압축해 주세요.",
    "t_deflate": ".zip을 받을 수 없습니다: 항목 {name}의 압축 데이터가 손상되었습니다. 사진을 다시 압축해 주세요.",
    "t_truncated": ".zip을 받을 수 없습니다: 항목 {name}의 중간에서 파일이 끝납니다 (내려받기가 중간에 끊겼나요?). "
                   "사진을 다시 압축해 주세요.",
    "t_unreadable": ".zip을 받을 수 없습니다: 항목 {name}을(를) 읽을 수 없습니다 ({why}). 암호 없이, 일반 압축으로 "
                    "다시 압축해 주세요.",
    "t_longer": "{name}이(가) 헤더에 적힌 것보다 큽니다 ({mb}MB까지 읽음). 이 .zip은 받을 수 없습니다.",
    "t_none_read": ".zip 속 사진을 한 장도 읽을 수 없었습니다 ({why}). {mp}메가픽셀 이하의 JPEG, PNG, WebP, GIF "
                   "사진을 써 주세요.",
    "t_n_unreadable": "사진으로 읽을 수 없는 파일 {n}개",
    "t_n_too_large": "너무 커서 열 수 없는 사진 {n}장",
    "t_few_readable": "읽을 수 없는 사진을 빼고 나니 {labels}의 사진이 {min}장보다 적습니다. 읽을 수 있는 사진을 더 "
                      "넣어 주세요.",
    "t_teach_first": "먼저 모델을 가르쳐 주세요: 위에서 사진 .zip을 올리고 ‘가르치기’를 누르세요.",
    "cat": "고양이", "dog": "개", "neither": "둘 다 아님",
    "lbl_cat": "고양이", "lbl_dog": "개", "lbl_neither": "둘 다 아님",
    **{f"lbl_{key}": words for key, words in BREED_NAMES_KO.items()},
    "not_a_pet": "**고양이나 개로 보이지 않습니다** (둘 다 아닐 확률 {p}). 이 모델은 고양이와 개, 그리고 그 품종만 "
                 "알기 때문에 여기서는 품종을 말하지 않습니다.",
    "not_a_pet_like": "**고양이나 개로 보이지 않습니다.** 오히려 {thing}에 더 가까워 보입니다 "
                      "(둘 다 아닐 확률 {p}). 이 모델은 고양이와 개, 그리고 그 품종만 알기 때문에 여기서는 품종을 "
                      "말하지 않습니다.",
    "looks_like": "**{label}** 같습니다 ({p}).",
    "not_sure_label": "**잘 모르겠습니다.** 가장 가까운 답: *{label}* ({p}).",
    "not_sure_species": "**잘 모르겠습니다.** 모델이 보기에 고양이나 개가 뚜렷하지 않습니다. 반려동물 사진이 아니거나 "
                        "동물이 잘 보이지 않는 사진일 수 있습니다. (가장 가까운 답: {kind}, {p})",
    "breed_guess": "**{kind}** 같습니다 ({p}). 품종은 추측입니다: *{name}*일지도 모릅니다 ({pb}).",
    "breed_sure": "**{kind}** 같습니다 ({p}). 품종은 아마 **{name}**입니다 ({pb}).",
    "r_title": "### 사진 {photos}장으로 라벨 {labels}개를 {seconds}초 만에 가르쳤습니다",
    "r_estimate": "**검증 정확도 추정: {acc}** (찍어서 맞힐 확률: {chance}). {folds}겹 교차 검증으로 쟀습니다. 사진마다 "
                  "그 사진(과 좌우 반전한 사진)을 빼고 학습한 모델이 라벨을 붙였습니다.",
    "r_header": "| 라벨 | 사진 수 | 검증에서 맞힌 수 |",
    "r_skipped": "- 건너뛴 파일 {count}개: {reason}",
    "c_predicted": "모델이 붙인 라벨", "c_rows": "행: 실제 라벨 (사진마다 그 사진을 빼고 학습한 모델의 답)",
    "r_how": "방법: 반려동물 신경망의 사전 학습한 몸통은 그대로 두고, 사진과 좌우 반전한 사진을 각각 특징 {features}개로 "
             "바꾼 뒤, 새 선형 헤드(로지스틱 회귀)가 그 특징으로 여러분의 라벨을 배웁니다. 아래에서 모델을 내려받거나, "
             "여기서 바로 새 사진으로 시험해 보세요.",
}

T = Words("pets", EN, KO)
