"The serving core's words: what every Space says when a visitor's input cannot be used (shared.serving.errors)."
from shared.serving.i18n import Words

EN = {
    "error_title": "Error",
    "went_wrong": "That request could not be handled ({kind}). Please try again; from the API, check the inputs this "
                  "endpoint takes (the Space's API page lists them).",
    # a photo (shared.serving.images, ui.Photo)
    "no_image": "No image received: upload a photo, paste one or use the webcam.",
    "upload_missing": "No image received: the upload is missing.",
    "not_received": "No image was received with this request. Send the photo itself: upload it (the API: "
                    "gradio_client.handle_file, an http(s) URL or a data: URL); paths on the server are not accepted.",
    "too_many_pixels": "That image is too large (over {mp} megapixels).",
    "too_many_bytes": "That image is too large (over {mb} MB).",
    "data_url": "That data: URL could not be read as an image: send data:image/...;base64, then the file's bytes.",
    "jpeg_damaged": "That JPEG is damaged: {size} bytes cannot hold {w}x{h} pixels (its data ends early, or its header "
                    "lies). Please send the photo again.",
    "photo_too_big": "That photo is {w}x{h} ({mp} megapixels); this Space takes photos up to {max_mp} megapixels. "
                     "Please scale it down and try again.",
    "decode_too_big": "That image is too large to open here: {w}x{h} pixels in mode {mode} would take about {mb} MB to "
                      "decode (this Space opens up to {max_mb} MB per photo). Please send a smaller version.",
    "icon_too_big": "That icon holds a {w}x{h} image: too large to open here. Please send a photo.",
    "unreadable": "That file could not be read as an image ({why}). Please upload a JPEG, PNG, WebP or GIF photo.",
    "no_pixels": "That image has no pixels.",
    # an event's raw inputs (shared.serving.validate)
    "inputs_missing": "This endpoint takes {n} input(s) ({names}); got {got}: {missing} missing.",
    "number": "{name} must be a number, not {value}.",
    "whole": "{name} must be a whole number, not {value}.",
    "number_in": "{name} must be a number from {lo} to {hi}, not {value}.",
    "whole_in": "{name} must be a whole number from {lo} to {hi}, not {value}.",
    "choice": "{name} must be one of the {n} choices; not {value}.",
    "choice_listed": "{name} must be one of the {n} choices: {choices}; not {value}.",
    "text": "{name} must be text, not {value}.",
    "null": "null", "a_list": "a list", "an_object": "an object", "true_false": "true/false",
    "that_value": "that value", "the_text": "the text {text}",
    # the queue and the request (shared.serving.bounds)
    "queue_event": "Queue is full for {name}: {limit} requests are already waiting for it. Please try again in a minute.",
    "queue_visitor": "Queue is full for you: {limit} of your requests are already waiting. Please wait for their "
                     "answers.",
    "body_too_large": "That request is too large: at most {mb} MB of JSON. Upload files (gradio_client.handle_file) "
                      "instead of sending them inline.",
    "upload_quota": "You have uploaded {used} MB in the last {minutes} minutes; this Space keeps at most {quota} MB per "
                    "visitor. Please try again later.",
}

KO = {
    "error_title": "오류",
    "went_wrong": "이 요청을 처리하지 못했습니다 ({kind}). 다시 시도해 주세요. API로 보냈다면 이 엔드포인트가 받는 "
                  "입력을 확인해 주세요 (Space의 API 페이지에 나와 있습니다).",
    "no_image": "받은 이미지가 없습니다. 사진을 올리거나, 붙여 넣거나, 웹캠으로 찍어 주세요.",
    "upload_missing": "받은 이미지가 없습니다. 올린 파일을 찾을 수 없습니다.",
    "not_received": "이 요청과 함께 받은 이미지가 없습니다. 사진 파일 자체를 보내 주세요: 업로드하거나 (API에서는 "
                    "gradio_client.handle_file, http(s) URL 또는 data: URL), 서버의 파일 경로는 받지 않습니다.",
    "too_many_pixels": "이미지가 너무 큽니다 ({mp}메가픽셀 초과).",
    "too_many_bytes": "이미지가 너무 큽니다 ({mb}MB 초과).",
    "data_url": "이 data: URL을 이미지로 읽을 수 없습니다. data:image/...;base64, 뒤에 파일의 바이트를 붙여 보내 주세요.",
    "jpeg_damaged": "이 JPEG 파일은 손상되었습니다: {size}바이트로는 {w}x{h} 픽셀을 담을 수 없습니다 (데이터가 중간에 "
                    "끊겼거나 헤더가 잘못되었습니다). 사진을 다시 보내 주세요.",
    "photo_too_big": "이 사진은 {w}x{h} ({mp}메가픽셀)입니다. 이 Space는 {max_mp}메가픽셀까지의 사진만 받습니다. "
                     "크기를 줄여서 다시 시도해 주세요.",
    "decode_too_big": "이 이미지는 여기서 열기에 너무 큽니다: {mode} 모드의 {w}x{h} 픽셀을 풀려면 약 {mb}MB가 "
                      "필요합니다 (이 Space는 사진 한 장에 {max_mb}MB까지 씁니다). 더 작은 사진을 보내 주세요.",
    "icon_too_big": "이 아이콘 파일에는 {w}x{h} 크기의 이미지가 들어 있어 여기서 열기에 너무 큽니다. 사진을 보내 주세요.",
    "unreadable": "이 파일을 이미지로 읽을 수 없습니다 ({why}). JPEG, PNG, WebP 또는 GIF 사진을 올려 주세요.",
    "no_pixels": "이 이미지에는 픽셀이 하나도 없습니다.",
    "inputs_missing": "이 엔드포인트는 입력 {n}개({names})를 받는데 {got}개를 받았습니다. 빠진 입력: {missing}.",
    "number": "{name} 값은 숫자여야 합니다 ({value}은(는) 안 됩니다).",
    "whole": "{name} 값은 정수여야 합니다 ({value}은(는) 안 됩니다).",
    "number_in": "{name} 값은 {lo}에서 {hi} 사이의 숫자여야 합니다 ({value}은(는) 안 됩니다).",
    "whole_in": "{name} 값은 {lo}에서 {hi} 사이의 정수여야 합니다 ({value}은(는) 안 됩니다).",
    "choice": "{name} 값은 선택지 {n}개 중 하나여야 합니다 ({value}은(는) 안 됩니다).",
    "choice_listed": "{name} 값은 선택지 {n}개 중 하나여야 합니다: {choices} ({value}은(는) 안 됩니다).",
    "text": "{name} 값은 텍스트여야 합니다 ({value}은(는) 안 됩니다).",
    "null": "빈 값(null)", "a_list": "리스트", "an_object": "객체", "true_false": "참/거짓 값",
    "that_value": "그 값", "the_text": "텍스트 {text}",
    "queue_event": "{name} 대기열이 가득 찼습니다: 이미 {limit}개의 요청이 기다리고 있습니다. 1분 뒤에 다시 시도해 "
                   "주세요.",
    "queue_visitor": "대기열이 가득 찼습니다: 보내신 요청 {limit}개가 이미 기다리고 있습니다. 그 답을 먼저 기다려 "
                     "주세요.",
    "body_too_large": "요청이 너무 큽니다: JSON은 {mb}MB까지 받습니다. 파일은 본문에 넣지 말고 업로드해 주세요 "
                      "(gradio_client.handle_file).",
    "upload_quota": "지난 {minutes}분 동안 {used}MB를 올리셨습니다. 이 Space는 방문자 한 명당 {quota}MB까지만 "
                    "보관합니다. 나중에 다시 시도해 주세요.",
}

T = Words("serving", EN, KO)
