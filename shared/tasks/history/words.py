"The history Space's words (the experiments' own sentences and pictures are in shared.tasks.history)."
from shared.serving.i18n import Words
from shared.tasks.history import timeline
from shared.tasks.history.data import PRESETS

FUNCTIONS_KO = {"wave": "물결", "bump": "언덕", "v shape": "V자", "step": "계단", "wiggly": "구불구불", "parabola": "포물선"}
assert set(FUNCTIONS_KO) == set(PRESETS)

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
    "pdp": timeline.pdp_markdown(),
    "timeline": timeline.timeline_markdown(),
    # refusals (shared.serving.errors.Refused): history's settings and formulas
    "h_number": "{name} must be a number",
    "h_between": "{name} must be between {lo} and {hi}",
    "h_whole": "{name} must be a whole number",
    "h_unknown": "unknown {name} {value}; choose one of {choices}",
    "h_no_setting": "no setting of a single threshold neuron computes {gate}: {proof}",
    "h_add_points": "add some points first: click on the picture, or type rows x1, x2, label",
    "h_most_points": "at most {most} points, please",
    "h_three_numbers": "each point needs three numbers: x1, x2 and a label 0 or 1",
    "h_keep_inside": "keep x1 and x2 between {lo} and {hi} (the picture's range)",
    "h_labels": "labels must be 0 or 1",
    "h_click_inside": "Click inside the square on the left to add a point.",
    "h_type_function": "type a function of x, for example sin(2*x)",
    "h_too_long": "keep the formula under {most} characters",
    "h_not_formula": "{text} is not a formula; try something like sin(2*x) + x/3",
    "h_unknown_name": "unknown name {name}: use x, pi, e and functions like sin, exp, abs",
    "h_one_argument": "{f} takes 1 argument, not {n}",
    "h_arguments": "{f} takes at most {most} arguments, not {n}",
    "h_not_allowed": "{expr} is not allowed; use numbers, x, {ops}, and functions {functions}",
    "h_cannot_compute": "could not compute {text}: {why}",
    "h_not_finite": "{text} is not finite everywhere on [{lo}, {hi}] (a division by zero or a log of a negative "
                    "number?); try another function",
    "name_learning_rate": "learning rate", "name_hidden_units": "hidden units", "name_steps": "steps",
    "name_epochs": "epochs", "name_seed": "seed", "name_step": "step", "name_depth": "depth",
    "name_dataset": "dataset", "name_activation": "activation", "name_target": "target",
    # the experiments' answers (shared.tasks.history.experiments)
    "n_ok": "✓ This neuron computes **{gate}**.",
    "n_xor": "✗ {wrong} row(s) wrong. Keep trying, or press *Search every setting*: no setting gives {gate}. {proof}",
    "n_wrong": "✗ {wrong} row(s) wrong for {gate}.",
    "n_also": " It computes {names}.",
    "xor_proof": "XOR needs (0,1)→1 so w2 ≥ θ, and (1,0)→1 so w1 ≥ θ; (0,0)→0 needs 0 < θ. Adding the first two: "
                 "w1 + w2 ≥ 2θ > θ, so (1,1) fires too, but XOR wants 0 there. No weights and threshold escape this.",
    "search_result": "Tried {n} settings (weights and threshold from {lo} to {hi} in steps of {step}): {found} of the 16 "
              "truth tables appear, never **{missing}**. {proof}",
    "p_converged": "**Converged** after {epochs} epoch(s) and {updates} updates: the line {line} = 0 separates "
                   "the classes.",
    "p_never": "**Never converged**: {epochs} epochs, {updates} updates, and still {mistakes} mistake(s) per epoch. "
               "No straight line separates these points.",
    "p_minsky": " This is what Minsky and Papert pointed out in 1969.",
    "t_right": "**{acc}** of the {n} training points right after {steps} steps",
    "t_valid": "; **{valid}** of {n} new points (×) from the same shape",
    "t_weights": " ({weights} weights).",
    "t_one": " One hidden unit is not enough: the output is still cut by a single line. Two can do it.",
    "t_stuck": " Stuck? Two units can solve XOR, but gradient descent sometimes settles in a poor spot: try another "
               "seed, or more units (more units, fewer traps).",
    "t_solved": " The hidden layer bent the boundary: XOR solved, which no single perceptron can do.",
    "a_words": "1 hidden layer of {units} units ({sw} weights): error **{se}**. {depth} layers of {width} ({dw} "
               "weights): error **{de}**: the {better} net fits better here. Each thin line is one hidden unit's "
               "contribution (a smooth step for tanh, a bent line for ReLU); the one-layer fit is their sum.",
    "deeper": "deeper", "shallow": "shallow", "or": " or ",
    # the pictures' words (shared.tasks.history.plots and story)
    "blue_0": "blue (0)", "orange_1": "orange (1)", "ds_circles": "circles", "ds_spirals": "spirals",
    **{f"fn_{k.replace(' ', '_')}": f"{k}: {v}" for k, v in PRESETS.items()},
    "pic_fires": "fires when {w1}·x1 + {w2}·x2 ≥ {t}", "pic_wrong_for": "{wrong} wrong for {target}",
    "pic_gates": "{tried} settings of (w1, w2, θ) tried: which of the 16 truth tables does one neuron reach?",
    "pic_false": "false", "pic_true": "true", "pic_settings": "{n} settings", "pic_none": "none!",
    "pic_tile": "each tile: rows x1 = 0, 1; columns x2 = 0, 1",
    "pic_after": "after {step} of {updates} updates: {acc} right", "pic_epoch": "epoch", "pic_mistakes": "mistakes",
    "pic_converged": "converged: no mistakes in epoch {epochs}",
    "pic_never": "never converged: still {mistakes} mistake(s) in epoch {epochs}",
    "pic_two_layers": "{dataset}: {hidden} hidden units, {acc} right",
    "pic_two_layers_one": "{dataset}: 1 hidden unit, {acc} right",
    "pic_gd_step": "gradient descent step", "pic_loss_axis": "loss (cross-entropy)", "pic_loss": "loss: {first} → {last}",
    "pic_shallow": "1 hidden layer, {units} units", "pic_deep": "{depth} hidden layers of {width} units",
    "pic_target": "target", "pic_network": "network", "pic_weights_error": "{params} weights · error {error}",
    "pic_one_layer": "1 hidden layer", "pic_layers": "{depth} hidden layers", "pic_mse": "mean squared error",
    "pic_curves": "learning curves", "pic_winter": "the “AI winter”",
    "pic_inputs": "inputs\nx1, x2", "pic_p1": "P(class 1)",
    "pic_pdp1": "processing units", "pic_pdp2": "state of activation", "pic_pdp3": "output function",
    "pic_pdp4": "pattern of connectivity (weights)", "pic_pdp5": "propagation rule Σ w·x + b",
    "pic_pdp6": "activation rule (tanh)", "pic_pdp7": "learning rule (gradient descent)",
    "pic_pdp8": "environment (the dataset)",
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
                    "그대로 풀어 썼습니다. XOR은 은닉 유닛 두 개면 충분하고, 동심원과 나선은 더 필요합니다. "
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
    "pdp": timeline.PDP_MARKDOWN_KO,
    "timeline": timeline.TIMELINE_MARKDOWN_KO,
    "h_number": "{name} 값은 숫자여야 합니다",
    "h_between": "{name} 값은 {lo}에서 {hi} 사이여야 합니다",
    "h_whole": "{name} 값은 정수여야 합니다",
    "h_unknown": "{name}: {value}은(는) 없는 값입니다. 다음 중에서 고르세요: {choices}",
    "h_no_setting": "문턱 뉴런 하나로는 어떤 설정으로도 {gate}를 계산할 수 없습니다: {proof}",
    "h_add_points": "먼저 점을 찍어 주세요: 그림을 클릭하거나 x1, x2, 라벨을 한 줄씩 입력하세요",
    "h_most_points": "점은 {most}개까지만 찍을 수 있습니다",
    "h_three_numbers": "점마다 숫자 세 개가 필요합니다: x1, x2, 그리고 0 또는 1인 라벨",
    "h_keep_inside": "x1과 x2는 {lo}에서 {hi} 사이여야 합니다 (그림의 범위)",
    "h_labels": "라벨은 0 또는 1이어야 합니다",
    "h_click_inside": "점을 찍으려면 왼쪽 정사각형 안을 클릭하세요.",
    "h_type_function": "x의 함수를 입력하세요. 예: sin(2*x)",
    "h_too_long": "수식은 {most}자보다 짧게 써 주세요",
    "h_not_formula": "{text}은(는) 수식이 아닙니다. sin(2*x) + x/3 같은 식을 써 보세요",
    "h_unknown_name": "모르는 이름입니다: {name}. x, pi, e와 sin, exp, abs 같은 함수를 쓰세요",
    "h_one_argument": "{f}은(는) 인자를 1개 받습니다 ({n}개가 아니라)",
    "h_arguments": "{f}은(는) 인자를 {most}개까지 받습니다 ({n}개가 아니라)",
    "h_not_allowed": "{expr}은(는) 쓸 수 없습니다. 숫자, x, {ops}, 그리고 다음 함수만 쓸 수 있습니다: {functions}",
    "h_cannot_compute": "{text}을(를) 계산할 수 없습니다: {why}",
    "h_not_finite": "{text}은(는) [{lo}, {hi}] 구간 전체에서 유한한 값이 아닙니다 (0으로 나누거나 음수의 로그를 "
                    "구했나요?). 다른 함수를 써 보세요",
    "name_learning_rate": "학습률", "name_hidden_units": "은닉 유닛 수", "name_steps": "스텝 수",
    "name_epochs": "에포크 수", "name_seed": "시드", "name_step": "스텝", "name_depth": "층 수",
    "name_dataset": "데이터셋", "name_activation": "활성화 함수", "name_target": "목표",
    "n_ok": "✓ 이 뉴런은 **{gate}**를 계산합니다.",
    "n_xor": "✗ {wrong}개 행이 틀렸습니다. 더 시도해 보거나 *XOR이 되는 설정을 모두 찾아보기*를 눌러 보세요. 어떤 설정도 "
             "{gate}가 되지 않습니다. {proof}",
    "n_wrong": "✗ {gate}와 비교해 {wrong}개 행이 틀렸습니다.",
    "n_also": " 지금은 {names}를 계산합니다.",
    "xor_proof": "XOR은 (0,1)→1이어야 하니 w2 ≥ θ, (1,0)→1이어야 하니 w1 ≥ θ이고, (0,0)→0이려면 0 < θ여야 합니다. 앞의 "
                 "두 식을 더하면 w1 + w2 ≥ 2θ > θ이므로 (1,1)에서도 발화하는데, XOR은 거기서 0을 원합니다. 어떤 "
                 "가중치와 문턱값도 여기서 벗어날 수 없습니다.",
    "search_result": "설정 {n}가지를 시도했습니다(가중치와 문턱값을 {lo}부터 {hi}까지 {step} 간격으로). 16가지 진리표 중 "
              "{found}가지가 나오고, **{missing}**는 한 번도 나오지 않습니다. {proof}",
    "p_converged": "에포크 {epochs}번, 갱신 {updates}번 만에 **수렴했습니다**: 직선 {line} = 0이 두 클래스를 나눕니다.",
    "p_never": "**끝내 수렴하지 못했습니다**: 에포크 {epochs}번, 갱신 {updates}번 뒤에도 에포크마다 {mistakes}번씩 "
               "틀립니다. 이 점들을 나누는 직선은 없습니다.",
    "p_minsky": " 1969년에 민스키와 페퍼트가 지적한 바로 그 한계입니다.",
    "t_right": "정확도 **{acc}**: {steps}단계 학습 뒤 학습용 점 {n}개 기준",
    "t_valid": ". 같은 모양에서 새로 뽑은 점(×) {n}개 중에서는 **{valid}**",
    "t_weights": " (가중치 {weights}개).",
    "t_one": " 은닉 유닛 하나로는 부족합니다. 출력이 여전히 직선 하나로 나뉩니다. 두 개면 됩니다.",
    "t_stuck": " 막혔나요? 유닛 두 개로 XOR을 풀 수 있지만, 경사 하강법이 가끔 나쁜 자리에 머뭅니다. 다른 시드를 "
               "쓰거나 유닛을 늘려 보세요(유닛이 많을수록 덫이 적습니다).",
    "t_solved": " 은닉층이 경계를 휘게 만들었습니다: 퍼셉트론 하나로는 못 푸는 XOR을 풀었습니다.",
    "a_words": "유닛 {units}개짜리 은닉층 하나(가중치 {sw}개)의 오차 **{se}**, 폭 {width}인 {depth}층(가중치 {dw}개)의 "
               "오차 **{de}**: 여기서는 {better} 신경망이 더 잘 맞습니다. 가는 선 하나하나가 은닉 유닛 하나의 몫이고"
               "(tanh는 부드러운 계단, ReLU는 꺾인 직선), 한 층짜리 근사는 그 합입니다.",
    "deeper": "더 깊은", "shallow": "얕은", "or": "와 ",
    "blue_0": "파랑 (0)", "orange_1": "주황 (1)", "ds_circles": "동심원", "ds_spirals": "나선",
    **{f"fn_{k.replace(' ', '_')}": f"{FUNCTIONS_KO[k]}: {v}" for k, v in PRESETS.items()},
    "pic_fires": "{w1}·x1 + {w2}·x2 ≥ {t}이면 발화", "pic_wrong_for": "{target}와 {wrong}곳이 다름",
    "pic_gates": "(w1, w2, θ) 설정 {tried}가지를 시도: 뉴런 하나로 16가지 진리표 중 무엇을 만들 수 있을까?",
    "pic_false": "항상 0", "pic_true": "항상 1", "pic_settings": "{n}가지", "pic_none": "하나도 없음!",
    "pic_tile": "각 칸: 행은 x1 = 0, 1, 열은 x2 = 0, 1",
    "pic_after": "갱신 {updates}번 중 {step}번 뒤: 정확도 {acc}", "pic_epoch": "에포크", "pic_mistakes": "틀린 횟수",
    "pic_converged": "수렴: 에포크 {epochs}에서 틀린 점 없음",
    "pic_never": "수렴하지 못함: 에포크 {epochs}에도 {mistakes}번 틀림",
    "pic_two_layers": "{dataset}: 은닉 유닛 {hidden}개, 정확도 {acc}",
    "pic_two_layers_one": "{dataset}: 은닉 유닛 1개, 정확도 {acc}",
    "pic_gd_step": "경사 하강 단계", "pic_loss_axis": "손실 (교차 엔트로피)", "pic_loss": "손실: {first} → {last}",
    "pic_shallow": "은닉층 1개, 유닛 {units}개", "pic_deep": "은닉층 {depth}개, 층마다 유닛 {width}개",
    "pic_target": "목표 함수", "pic_network": "신경망", "pic_weights_error": "가중치 {params}개 · 오차 {error}",
    "pic_one_layer": "은닉층 1개", "pic_layers": "은닉층 {depth}개", "pic_mse": "평균 제곱 오차",
    "pic_curves": "학습 곡선", "pic_winter": "‘AI 겨울’",
    "pic_inputs": "입력\nx1, x2", "pic_p1": "P(클래스 1)",
    "pic_pdp1": "처리 유닛", "pic_pdp2": "활성화 상태", "pic_pdp3": "출력 함수",
    "pic_pdp4": "연결 패턴 (가중치)", "pic_pdp5": "전파 규칙 Σ w·x + b",
    "pic_pdp6": "활성화 규칙 (tanh)", "pic_pdp7": "학습 규칙 (경사 하강법)",
    "pic_pdp8": "환경 (데이터셋)",
}

T = Words("history", EN, KO)
