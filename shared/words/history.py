"The history Space's words (the experiments' own sentences and pictures are in shared.history)."
from shared.i18n import Words

EN = {
    "title": "From a threshold neuron to deep learning",
    "intro": "# From a threshold neuron to deep learning\nChapter 1 of *Deep Learning for Coders*: eighty years of "
             "neural networks as small experiments you can play with. Each answers in well under a second.",
    "tab_neuron": "1943 · Threshold neuron",
    "neuron_about": "McCulloch and Pitts' neuron adds up its weighted inputs and **fires (1) when the sum reaches "
                    "the threshold**. Move the sliders to make it compute AND, OR or NOT; then try XOR.",
    "w1": "weight w1", "w2": "weight w2", "threshold": "threshold θ", "compare": "compare with",
    "set_and": "Set AND", "set_or": "Set OR", "set_not": "Set NOT X1",
    "search": "Search every setting for XOR",
    "tab_perceptron": "1958 · Perceptron",
    "perceptron_about": "Rosenblatt's perceptron **learns** the weights: after each mistake it moves the line "
                        "toward the right answer. On AND and OR it stops making mistakes; on XOR it never does. "
                        "Choose *my points* and click on the picture to add your own.",
    "data": "data", "lr": "learning rate", "epochs": "at most this many epochs",
    "train_perceptron": "Train the perceptron", "replay": "▶ Replay step by step",
    "step": "show the line after this many updates", "click_class": "a click adds a point of class",
    "points": "my points", "facts": "facts",
    "tab_layers": "1986 · Two layers",
    "layers_about": "Add a **hidden layer** and train it with gradient descent: the forward pass, the backward "
                    "pass (backpropagation) and the Adam optimizer, written out in numpy. Two hidden units are "
                    "enough for XOR; circles and spirals want more. The right panel is the loss going down.",
    "hidden": "hidden units", "steps": "gradient descent steps", "activation": "activation",
    "seed": "seed (initial weights)", "train_net": "Train the network", "accuracy": "accuracy on the training points",
    "try_these": "Try these (tap one)",
    "tab_approx": "1989 · Approximation",
    "approx_about": "One hidden layer can approximate **any** function, given enough units: each tanh unit adds "
                    "one smooth step (a ReLU unit, one bent line), and the fit is their sum. More units, closer "
                    "fit. Then the same number of weights spent on a **deeper** network. Type your own function "
                    "of x.",
    "function": "function of x on [-3, 3]", "units": "hidden units (one layer)",
    "depth": "layers of the deeper network", "fit": "Fit",
    "tab_pdp": "PDP checklist",
    "my_points": "my points",
    "col_sum": "sum", "col_output": "output", "col_target": "target", "col_ok": "ok", "col_label": "label",
    "six_dates": "The story in six dates",
}

KO = {
    "title": "문턱 뉴런에서 딥러닝까지",
    "intro": "# 문턱 뉴런에서 딥러닝까지\n*Deep Learning for Coders* 1장: 신경망 80년의 역사를 직접 만져 볼 수 있는 "
             "작은 실험으로 담았습니다. 실험마다 1초도 안 걸립니다.",
    "tab_neuron": "1943 · 문턱 뉴런",
    "neuron_about": "매컬러와 피츠의 뉴런은 가중치를 곱한 입력을 더해서 합이 문턱값에 이르면 **발화(1)** 합니다. "
                    "슬라이더를 움직여 AND, OR, NOT을 계산하게 만들어 보고, 그다음 XOR에 도전해 보세요.",
    "w1": "가중치 w1", "w2": "가중치 w2", "threshold": "문턱값 θ", "compare": "비교할 논리 게이트",
    "set_and": "AND로 맞추기", "set_or": "OR로 맞추기", "set_not": "NOT X1로 맞추기",
    "search": "XOR이 되는 설정을 모두 찾아보기",
    "tab_perceptron": "1958 · 퍼셉트론",
    "perceptron_about": "로젠블랫의 퍼셉트론은 가중치를 **스스로 배웁니다**. 틀릴 때마다 직선을 정답 쪽으로 옮깁니다. "
                        "AND와 OR에서는 더 이상 틀리지 않게 되지만, XOR에서는 끝내 그러지 못합니다. *내가 찍은 점*을 "
                        "고르고 그림을 눌러 나만의 점을 찍어 보세요.",
    "data": "데이터", "lr": "학습률", "epochs": "최대 에포크 수",
    "train_perceptron": "퍼셉트론 학습하기", "replay": "▶ 한 단계씩 다시 보기",
    "step": "이만큼 갱신한 뒤의 직선 보기", "click_class": "그림을 누르면 추가할 점의 클래스",
    "points": "내 점", "facts": "결과 수치",
    "tab_layers": "1986 · 두 층 신경망",
    "layers_about": "**은닉층**을 하나 더하고 경사 하강법으로 학습합니다. 순전파, 역전파, Adam 옵티마이저를 numpy로 "
                    "그대로 풀어 썼습니다. XOR은 은닉 유닛 두 개면 충분하고, circles와 spirals는 더 필요합니다. "
                    "오른쪽 그림은 손실이 줄어드는 모습입니다.",
    "hidden": "은닉 유닛 수", "steps": "경사 하강 단계 수", "activation": "활성화 함수",
    "seed": "시드 (초기 가중치)", "train_net": "신경망 학습하기", "accuracy": "학습 데이터 정확도",
    "try_these": "이렇게 해 보세요 (눌러 보세요)",
    "tab_approx": "1989 · 보편 근사",
    "approx_about": "은닉층 하나로도 유닛만 충분하면 **어떤** 함수든 근사할 수 있습니다. tanh 유닛 하나가 부드러운 "
                    "계단 하나(ReLU 유닛은 꺾인 직선 하나)를 더하고, 그 합이 근사 결과입니다. 유닛이 많을수록 더 "
                    "가까워집니다. 같은 수의 가중치를 **더 깊은** 신경망에 쓰면 어떨지도 비교합니다. x의 함수를 직접 "
                    "입력해 보세요.",
    "function": "[-3, 3]에서의 x의 함수", "units": "은닉 유닛 수 (한 층)",
    "depth": "깊은 신경망의 층 수", "fit": "근사하기",
    "tab_pdp": "PDP 체크리스트",
    "my_points": "내가 찍은 점",
    "col_sum": "합", "col_output": "출력", "col_target": "목표", "col_ok": "맞음", "col_label": "라벨",
    "six_dates": "여섯 개의 연도로 보는 역사",
}

T = Words("history", EN, KO)
