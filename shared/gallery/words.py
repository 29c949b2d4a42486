"The gallery's words: the landing page (both languages in the page, shown by the browser's language) and page titles."
from shared.serving.i18n import Words

EN = {
    "suite": "Chapter One Spaces",
    "lead": "The demos of chapter 1 of <i>Deep Learning for Coders with fastai &amp; PyTorch</i>, one page each, "
            "in the chapter's order. <b>Start with the first model of the chapter: open “Is it a cat?” and tap a "
            "photo.</b> Every demo answers its examples at once; then try your own photos, reviews or ratings.",
    "open": "Open",
    "nav_": "Home", "nav_pets": "🐱 Is it a cat?", "nav_sentiment": "💬 Review sentiment",
    "nav_recommend": "🍿 What to watch", "nav_colorize": "🎨 Colorize", "nav_history": "🧠 History",
    "idea": "Chapter 1 idea:",
    "try": "Try:",
    "embed": "Embed it in slides or a web page",
    "embed_help": "An iframe (as wide as its container, as tall as the demo: it grows with the answers; keep its "
                  "script) or Gradio's web component: paste either into an HTML page or slides that accept HTML.",
    "dev": "For developers: API and MCP",
    "down": "Unavailable here:",
    "dev_all": "For developers",
    "dev_all_text": "Every demo has its own API endpoints (<code>&lt;space&gt;_predict</code>, ...) for "
                    "<code>gradio_client</code>, and one MCP server for AI assistants lists them all as tools: "
                    "<code class=\"origin\">ORIGIN/gradio_api/mcp/</code>.",
    "pets_title": "Is it a cat? Pet breeds",
    "pets_what": "Cat or dog, which of 37 breeds, and where the model looked.",
    "pets_idea": "image classification and transfer learning: the chapter's first model, “is it a cat?”",
    "pets_try": "tap the pug, then teach it your own labels with the sample .zip.",
    "sentiment_title": "Positive or negative? Movie reviews",
    "sentiment_what": "A movie review in, its sentiment out, with the words that decided it.",
    "sentiment_idea": "natural language processing: IMDb reviews, a pretrained transformer fine-tuned",
    "sentiment_try": "tap a review, then change a few words and classify it again.",
    "recommend_title": "What should I watch next? Movie recommendations",
    "recommend_what": "Rate a few movies, get recommendations, and see the map of movies the model learned.",
    "recommend_idea": "collaborative filtering: recommendations from nothing but ratings (MovieLens)",
    "recommend_try": "tap a taste profile, then add a movie you love.",
    "colorize_title": "Colorize old photos",
    "colorize_what": "A black-and-white photo in colour, with a before/after slider.",
    "colorize_idea": "deep learning beyond classification: generating images (a U-Net)",
    "colorize_try": "tap an example, then slide between before and after.",
    "history_title": "From a threshold neuron to deep learning",
    "history_what": "Eighty years of neural networks as experiments: neuron, perceptron, XOR, approximation.",
    "history_idea": "where neural networks come from: threshold neuron, perceptron, XOR, universal approximation",
    "history_try": "make the neuron compute AND, then try XOR.",
}

KO = {
    "suite": "딥러닝 1장 데모 모음",
    "lead": "<i>Deep Learning for Coders with fastai &amp; PyTorch</i>(한국어판 『fastai와 파이토치가 만나 꽃피운 "
            "딥러닝』) 1장의 데모를 책의 순서대로 한 페이지씩 담았습니다. <b>1장의 첫 모델부터 시작해 보세요: "
            "“고양이일까?”를 열고 사진을 누르면 됩니다.</b> 모든 데모는 예시를 누르는 즉시 답하고, 그다음엔 내 사진, "
            "리뷰, 별점으로 시험해 볼 수 있습니다.",
    "open": "열기",
    "nav_": "처음으로", "nav_pets": "🐱 고양이일까?", "nav_sentiment": "💬 리뷰 감성 분석",
    "nav_recommend": "🍿 영화 추천", "nav_colorize": "🎨 흑백 사진 컬러로", "nav_history": "🧠 신경망의 역사",
    "idea": "1장의 개념:",
    "try": "해 볼 것:",
    "embed": "슬라이드나 웹 페이지에 넣기",
    "embed_help": "iframe(너비는 들어가는 자리에, 높이는 데모 내용에 맞춰 답이 나오면 늘어납니다. 함께 있는 script도 "
                  "같이 붙여 넣으세요)이나 Gradio 웹 컴포넌트 중 하나를 HTML 페이지나 HTML을 받는 슬라이드에 붙여 넣으세요.",
    "dev": "개발자용: API와 MCP",
    "down": "지금은 쓸 수 없습니다:",
    "dev_all": "개발자용",
    "dev_all_text": "데모마다 <code>gradio_client</code>로 부를 수 있는 API 엔드포인트(<code>&lt;space&gt;_predict</code> "
                    "등)가 있고, AI 어시스턴트용 MCP 서버 하나가 이를 모두 도구로 제공합니다: "
                    "<code class=\"origin\">ORIGIN/gradio_api/mcp/</code>.",
    "pets_title": "고양이일까? 반려동물 품종 맞히기",
    "pets_what": "고양이인지 개인지, 37개 품종 중 무엇인지, 그리고 모델이 어디를 보고 판단했는지 보여 줍니다.",
    "pets_idea": "이미지 분류와 전이 학습: 1장의 첫 모델 “고양이일까?”",
    "pets_try": "퍼그 사진을 누르고, 샘플 .zip으로 나만의 라벨을 가르쳐 보세요.",
    "sentiment_title": "긍정일까, 부정일까? 영화 리뷰",
    "sentiment_what": "영화 리뷰를 넣으면 감성을 판정하고, 판정을 가른 단어를 보여 줍니다.",
    "sentiment_idea": "자연어 처리: IMDb 리뷰로 미세 조정한 사전 학습 트랜스포머",
    "sentiment_try": "리뷰 하나를 누르고, 단어 몇 개를 바꿔 다시 판정해 보세요.",
    "recommend_title": "다음엔 뭘 볼까? 영화 추천",
    "recommend_what": "영화 몇 편에 별점을 매기면 추천을 받고, 모델이 배운 영화 지도도 볼 수 있습니다.",
    "recommend_idea": "협업 필터링: 별점만으로 만드는 추천 (MovieLens)",
    "recommend_try": "취향 프로필을 누르고, 좋아하는 영화를 하나 더해 보세요.",
    "colorize_title": "흑백 사진 컬러로 바꾸기",
    "colorize_what": "흑백 사진에 색을 입히고, 슬라이더로 전후를 비교합니다.",
    "colorize_idea": "분류를 넘어선 딥러닝: 이미지 생성 (U-Net)",
    "colorize_try": "예시를 누르고, 슬라이더로 전후를 오가 보세요.",
    "history_title": "문턱 뉴런에서 딥러닝까지",
    "history_what": "신경망 80년을 실험으로: 뉴런, 퍼셉트론, XOR, 보편 근사.",
    "history_idea": "신경망의 기원: 문턱 뉴런, 퍼셉트론, XOR, 보편 근사 정리",
    "history_try": "뉴런이 AND를 계산하게 만든 다음, XOR에 도전해 보세요.",
}

T = Words("gallery", EN, KO)
