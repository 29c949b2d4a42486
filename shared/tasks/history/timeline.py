"""The history's story as data, in English and Korean: the timeline's six dates and the PDP framework's eight
parts, each pointing at the experiment that plays it (story.py draws them; words.py shows their Markdown)."""
from __future__ import annotations


TIMELINE = [  # year, who/what, one line, the tab that replays it
    (1943, "McCulloch & Pitts", "a neuron as a threshold unit: logic from weighted sums", "Threshold neuron"),
    (1958, "Rosenblatt's perceptron", "the Mark I learns its own weights from mistakes (1957/58)", "Perceptron"),
    (1969, "Minsky & Papert, Perceptrons", "one layer cannot learn XOR; many layers could, but how to train them?",
     "Perceptron"),
    (1986, "Parallel Distributed Processing", "Rumelhart, McClelland & the PDP group: the framework, and backprop "
     "trains hidden layers", "Two layers"),
    (1989, "Universal approximation", "one hidden layer can approximate any function (Cybenko; Hornik et al.), "
     "if it is big enough", "Approximation"),
    (2012, "Deep learning", "more layers, GPUs, lots of data: AlexNet wins ImageNet, and chapter 1 begins",
     "Approximation"),
]


PDP = [  # part, what it is, where to see it in the experiments
    ("A set of processing units", "the neurons",
     "the one unit of *Threshold neuron*; the hidden-units slider of *Two layers*"),
    ("A state of activation", "each unit's value for the current input",
     "the *sum* and *output* columns of the truth table; each thin line in *Approximation* is one unit's activation"),
    ("An output function for each unit", "what a unit sends on",
     "the threshold (fire 1 when the sum reaches θ); the sigmoid that turns the last unit into a probability"),
    ("A pattern of connectivity among units", "who talks to whom, with which weight",
     "the weights w1, w2; fully connected layers; *Approximation* spends the same weights on 1 or more layers"),
    ("A propagation rule", "how activity flows along the connections",
     "the weighted sum w·x + b (the *sum* column), i.e. a matrix multiply in `nn.Linear`"),
    ("An activation rule", "how a unit combines its inputs into its state",
     "the step of the perceptron; tanh or ReLU in *Two layers* and the bent lines of *Approximation*"),
    ("A learning rule", "how experience changes the connections",
     "Rosenblatt's rule in *Perceptron* (mistakes per epoch); gradient descent in *Two layers* (the loss curve)"),
    ("An environment", "the world the system learns from",
     "the datasets: AND / OR / XOR, the points you click, circles, spirals, the function you type"),
]

# The PDP books' eight parts (Rumelhart, McClelland et al., 1986) and the story in six dates, in Korean
PDP_KO = [
    ("처리 유닛들의 집합", "뉴런", "*문턱 뉴런*의 유닛 하나, *두 층 신경망*의 은닉 유닛 수 슬라이더"),
    ("활성화 상태", "지금 입력에 대한 각 유닛의 값", "진리표의 *합*과 *출력* 열, *보편 근사*의 가는 선 하나하나가 유닛 하나의 활성화"),
    ("각 유닛의 출력 함수", "유닛이 다음으로 내보내는 것", "문턱값(합이 θ에 이르면 1을 냄), 마지막 유닛을 확률로 바꾸는 시그모이드"),
    ("유닛 사이의 연결 패턴", "누가 누구와 어떤 가중치로 이어지는가",
     "가중치 w1, w2, 완전 연결 층, 같은 수의 가중치를 한 층 또는 여러 층에 쓰는 *보편 근사*"),
    ("전파 규칙", "연결을 따라 활동이 흐르는 방식", "가중합 w·x + b(*합* 열), 곧 `nn.Linear`의 행렬 곱"),
    ("활성화 규칙", "유닛이 입력을 모아 상태를 정하는 방식", "퍼셉트론의 계단 함수, *두 층 신경망*의 tanh와 ReLU, *보편 근사*의 꺾인 선"),
    ("학습 규칙", "경험이 연결을 바꾸는 방식", "*퍼셉트론*의 로젠블랫 규칙(에포크당 실수), *두 층 신경망*의 경사 하강법(손실 곡선)"),
    ("환경", "시스템이 배우는 세계", "데이터셋: AND / OR / XOR, 직접 찍은 점, 동심원, 나선, 직접 입력한 함수"),
]
TIMELINE_KO = [
    ("1943 · 매컬러와 피츠", "문턱 유닛으로서의 뉴런: 가중합으로 만드는 논리", "문턱 뉴런"),
    ("1958 · 로젠블랫의 퍼셉트론", "Mark I이 실수로부터 스스로 가중치를 배운다(1957/58)", "퍼셉트론"),
    ("1969 · 민스키와 페퍼트, 『퍼셉트론』", "층 하나로는 XOR을 배울 수 없다. 여러 층이면 되지만, 어떻게 학습시키나?",
     "퍼셉트론"),
    ("1986 · 병렬 분산 처리(PDP)", "러멜하트, 매클렐런드와 PDP 그룹: 그 틀, 그리고 은닉층을 학습시키는 역전파", "두 층 신경망"),
    ("1989 · 보편 근사 정리", "은닉층 하나로도 충분히 크면 어떤 함수든 근사할 수 있다(Cybenko, Hornik 외)", "보편 근사"),
    ("2012 · 딥러닝", "더 많은 층, GPU, 많은 데이터: AlexNet이 ImageNet에서 우승하고, 1장이 시작된다", "보편 근사"),
]
assert len(PDP_KO) == len(PDP) and len(TIMELINE_KO) == len(TIMELINE)


def pdp_markdown() -> str:
    rows = "\n".join(f"| {i} | **{part}** ({what}) | {where} |" for i, (part, what, where) in enumerate(PDP, 1))
    return ("The PDP books (Rumelhart, McClelland et al., 1986) list eight things a neural network needs. "
            "Every one of them is in the experiments above:\n\n| | part | where to see it |\n|---|---|---|\n" + rows)


def timeline_markdown() -> str:
    return "\n".join(f"- **{year} · {who}**: {what} (*{tab}* tab)" for year, who, what, tab in TIMELINE)


PDP_MARKDOWN_KO = ("PDP 책(Rumelhart, McClelland 외, 1986)은 신경망에 필요한 여덟 가지를 꼽습니다. 위의 실험에 모두 "
           "들어 있습니다:\n\n| | 요소 | 어디서 볼 수 있나 |\n|---|---|---|\n"
           + "\n".join(f"| {i} | **{part}** ({what}) | {where} |" for i, (part, what, where) in enumerate(PDP_KO, 1)))
TIMELINE_MARKDOWN_KO = "\n".join(f"- **{when}**: {what} (*{tab}* 탭)" for when, what, tab in TIMELINE_KO)
