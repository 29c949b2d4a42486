"""Every Space's words in English and Korean, one module per Space (shared.i18n explains how they are used).
The Korean is written for Korean learners of the chapter (딥러닝, 전이 학습, 협업 필터링...), not word for word."""
