"""From a threshold neuron to deep learning: the small live experiments of chapter 1's history.

    neuron       McCulloch & Pitts' threshold unit (1943): truth tables, AND / OR / NOT, no XOR
    perceptron   Rosenblatt's learning rule (1957/58): converges on AND / OR, never on XOR
    mlp          small networks and gradient descent written out in numpy (XOR, circles, spirals)
    approx       1-D function approximation: N hidden units, and a deeper net with as many weights
    data         the datasets: logic gates, circles, spirals, the approximation's preset functions
    plots        the pictures (matplotlib -> PIL), their words in English or Korean
    timeline     the story as data: the six dates and the eight parts of the PDP framework, English and Korean
    story        the timeline and the PDP framework drawn
    words        the Space's words (English, Korean)
    experiments  each experiment end to end, as the Space, the benchmark and the notebook run it
"""
