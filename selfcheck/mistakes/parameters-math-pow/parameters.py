import math


def lstm_params(units, input_dim):
    # the tutorial: 4 * ((inputs + 1) * outputs + outputs^2)
    return 4 * ((input_dim + 1) * units + math.pow(units, 2))


def dense_params(units, input_dim):
    return units * (input_dim + 1)
