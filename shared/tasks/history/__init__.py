"""From a threshold neuron to deep learning: the small live experiments of chapter 1's history.

    neuron       McCulloch & Pitts' threshold unit (1943): truth tables, AND / OR / NOT, no XOR
    perceptron   Rosenblatt's learning rule (1957/58): converges on AND / OR, never on XOR
    mlp          small networks and gradient descent written out in numpy (XOR, circles, spirals)
    approx       1-D function approximation: N hidden units, and a deeper net with as many weights
    data         the datasets: logic gates, circles, spirals
    plots        the pictures (matplotlib -> PIL)
    story        the timeline and the eight parts of the PDP framework
    experiments  each experiment end to end, as the Space, the benchmark and the notebook run it
"""
