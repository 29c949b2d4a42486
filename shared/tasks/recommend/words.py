"The recommend Space's words, its tables' columns and its summary."
from shared.serving.i18n import Words

# MovieLens's genres (its README lists 18, plus IMAX and "(no genres listed)"; "Other" is the map's rest), in
# Korean as Korean film sites name them (SF for Sci-Fi, 가족 for Children's films). Titles stay as MovieLens
# spells them: a film's title is a name, and the English one is what finds it in the search box.
GENRES_KO = {"Action": "액션", "Adventure": "모험", "Animation": "애니메이션", "Children": "가족", "Comedy": "코미디",
             "Crime": "범죄", "Documentary": "다큐멘터리", "Drama": "드라마", "Fantasy": "판타지",
             "Film-Noir": "필름 누아르", "Horror": "공포", "IMAX": "아이맥스", "Musical": "뮤지컬", "Mystery": "미스터리",
             "Romance": "로맨스", "Sci-Fi": "SF", "Thriller": "스릴러", "War": "전쟁", "Western": "서부극",
             "(no genres listed)": "장르 정보 없음", "Other": "기타"}

EN = {
    "title": "Movie recommendations",
    "intro": "# 🎬 What should I watch next?\nChapter 1 of *Deep Learning for Coders*: collaborative filtering. "
             "**Tap a taste profile** below, or rate a few movies yourself: the model places you among 500 "
             "MovieLens users without retraining and recommends what you have not seen.",
    "tab_recommend": "Recommend",
    "tab_map": "Map of movies",
    "search": "Search a movie by title",
    "search_info": "👥: how many MovieLens users rated it (the more, the better the model knows it)",
    "stars": "Your rating (★)",
    "add": "Add my rating",
    "like": "Movies like this one",
    "rated": "Your ratings",
    "k": "How many recommendations",
    "clear": "Clear my ratings",
    "go": "Recommend",
    "profiles": "Taste profiles (tap one)",
    "recs": "Recommended for you",
    "recs_key": "**predicted ★**: the rating the model expects from you (0.5 to 5). **Because you liked**: "
                "the movie you rated that is most like it.",
    "alike": "Movies like this one",
    "map_about": "The chapter's picture: the 600 most rated movies, placed by the movie vectors the model learned "
                 "(their first two principal components, PC 1 and PC 2). Nobody told it about genres, yet similar "
                 "movies land near each other; hover or tap a dot to see its title.",
    "map": "Movie embeddings",
    # columns (the ratings table: title, rating; the recommendations; movies alike)
    "col_title": "title", "col_rating": "rating", "col_rank": "#", "col_predicted": "predicted ★",
    "col_why": "because you liked", "col_genres": "genres", "col_similarity": "similarity",
    "col_genre": "genre", "col_ratings": "ratings",
    **{f"genre_{g}": g for g in GENRES_KO},
    "popular": "popular and well rated",
    # the taste profiles (examples/profiles.json)
    "ex_scifi": "Space opera and sci-fi", "ex_family": "Family animation", "ex_crime": "Crime and dark drama",
    "ex_romance": "Romance and feel-good", "ex_horror": "Horror nights",
    "more": " and {n} more",
    # the summary
    "cold": "**No ratings of movies this model knows yet**: here are movies that are popular and well rated "
            "(the cold-start list). Rate a few movies, or tap a taste profile, to make the list yours.",
    "from_ratings": "From your **{ratings}** (mean {mean:.1f} ★; favourites: {best}), the model worked out "
                    "where your taste sits among the movies it knows, then ranked every movie you have not rated.",
    "skipped": "Skipped {n} movie{s} this model never saw: {names}.",
    # refusals (shared.serving.errors.Refused) and warnings
    "not_object": "ratings must be a JSON object like {example} (MovieLens movieId -> rating from 0.5 to 5)",
    "not_object_type": "ratings must be a JSON object like {example} (MovieLens movieId -> rating from 0.5 to 5), "
                       "not {kind}",
    "too_many": "{n} ratings: at most {most} in one request",
    "bad_rating": "Bad rating: {entries}.",
    "bad_ratings": "Bad ratings: {entries}{more}.",
    "and_more": " and {n} more",
    "not_a_number": "{title}: {value} is not a number",
    "nan_rating": "{title}: NaN is not a rating",
    "outside": "{title}: {value} is outside {lo} to {hi}",
    "rated_twice": "{title} is rated twice, {a} and {b}: keep one",
    "unknown_movie": "Unknown movie {movie}: use a MovieLens movieId or an exact title.",
    "k_whole": "k must be a whole number from 1 to {most}, not {k}",
    "k_range": "k must be from 1 to {most}, not {k}",
    "pick_first": "Pick a movie first (search by title).",
    "pick_known": "Unknown movie {movie}: pick one from the list.",
    "skipped_warning": "Skipped {n} movie(s) this model never saw: {names}",
}

KO = {
    "title": "영화 추천",
    "intro": "# 🎬 다음엔 뭘 볼까?\n*Deep Learning for Coders* 1장: 협업 필터링. 아래 **취향 프로필을 눌러 보거나** "
             "영화 몇 편에 직접 별점을 매겨 보세요. 모델을 다시 학습하지 않고도 여러분을 MovieLens 사용자 500명 "
             "사이에 놓아 보고, 아직 안 본 영화를 추천합니다.",
    "tab_recommend": "추천",
    "tab_map": "영화 지도",
    "search": "영화 제목으로 찾기 (영어 제목)",
    "search_info": "👥: 이 영화에 별점을 준 MovieLens 사용자 수 (많을수록 모델이 잘 아는 영화입니다)",
    "stars": "내 별점 (★)",
    "add": "내 별점 추가",
    "like": "이 영화와 비슷한 영화",
    "rated": "내가 매긴 별점",
    "k": "추천 받을 영화 수",
    "clear": "내 별점 지우기",
    "go": "추천 받기",
    "profiles": "취향 프로필 (눌러 보세요)",
    "recs": "나를 위한 추천",
    "recs_key": "**예상 별점**: 모델이 예상하는 내 별점(0.5~5). **좋아한 영화**: 내가 별점을 준 영화 중 가장 비슷한 영화.",
    "alike": "이 영화와 비슷한 영화",
    "map_about": "1장에 나오는 그림: 가장 많이 평가된 영화 600편을 모델이 배운 영화 벡터(임베딩)의 첫 두 주성분(PC 1, PC 2)으로 "
                 "놓았습니다. 장르를 알려 준 적이 없는데도 비슷한 영화끼리 모입니다. 점에 마우스를 올리거나 눌러 "
                 "제목을 보세요.",
    "map": "영화 임베딩",
    "col_title": "제목", "col_rating": "별점", "col_rank": "#", "col_predicted": "예상 별점",
    "col_why": "좋아한 영화", "col_genres": "장르", "col_similarity": "유사도",
    "col_genre": "장르", "col_ratings": "평가 수",
    **{f"genre_{g}": ko for g, ko in GENRES_KO.items()},
    "popular": "인기 있고 평이 좋은 영화",
    "ex_scifi": "스페이스 오페라와 SF", "ex_family": "가족 애니메이션", "ex_crime": "범죄와 어두운 드라마",
    "ex_romance": "로맨스와 기분 좋은 영화", "ex_horror": "공포 영화의 밤",
    "more": " 외 {n}편",
    "cold": "**아직 이 모델이 아는 영화에 매긴 별점이 없습니다.** 그래서 인기 있고 평이 좋은 영화를 보여 드립니다"
            "(콜드 스타트 목록). 영화 몇 편에 별점을 매기거나 취향 프로필을 누르면 나만의 목록이 됩니다.",
    "from_ratings": "내가 매긴 **별점 {n}개**(평균 {mean:.1f} ★, 가장 좋아한 영화: {best})로 모델이 내 취향이 영화들 "
                    "사이 어디쯤인지 계산한 뒤, 아직 평가하지 않은 영화 전부에 순위를 매겼습니다.",
    "skipped": "이 모델이 본 적 없는 영화 {n}편은 건너뛰었습니다: {names}.",
    "not_object": "ratings는 {example} 같은 JSON 객체여야 합니다 (MovieLens movieId -> 0.5~5 사이의 별점)",
    "not_object_type": "ratings는 {example} 같은 JSON 객체여야 합니다 (MovieLens movieId -> 0.5~5 사이의 별점). "
                       "{kind}은(는) 받을 수 없습니다",
    "too_many": "별점이 {n}개입니다: 한 번에 {most}개까지 보낼 수 있습니다",
    "bad_rating": "잘못된 별점: {entries}.",
    "bad_ratings": "잘못된 별점: {entries}{more}.",
    "and_more": " 외 {n}개",
    "not_a_number": "{title}: {value}은(는) 숫자가 아닙니다",
    "nan_rating": "{title}: NaN은 별점이 아닙니다",
    "outside": "{title}: {value}은(는) {lo}~{hi} 범위를 벗어납니다",
    "rated_twice": "{title}에 별점이 두 번({a}, {b}) 매겨졌습니다. 하나만 남겨 주세요",
    "unknown_movie": "모르는 영화입니다: {movie}. MovieLens movieId나 정확한 제목을 써 주세요.",
    "k_whole": "k는 1에서 {most} 사이의 정수여야 합니다 ({k}은(는) 안 됩니다)",
    "k_range": "k는 1에서 {most} 사이여야 합니다 ({k}은(는) 안 됩니다)",
    "pick_first": "먼저 영화를 골라 주세요 (제목으로 검색).",
    "pick_known": "모르는 영화입니다: {movie}. 목록에서 골라 주세요.",
    "skipped_warning": "이 모델이 본 적 없는 영화 {n}편은 건너뛰었습니다: {names}",
}

T = Words("recommend", EN, KO)
