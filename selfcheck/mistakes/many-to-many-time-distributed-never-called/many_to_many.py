import numpy as np
from keras.layers import Input, LSTM, Dense, TimeDistributed
from keras.models import Model


def make_dataset(length=5):
    seq = np.arange(length) / length
    return seq.reshape(1, length, 1), seq.reshape(1, length, 1)


def build_model(length=5):
    input_layer = Input(shape=(length, 1))
    lstm_dt = LSTM(length, return_sequences=True)(input_layer)
    fc_dt = TimeDistributed(Dense(1))
    model = Model(inputs=input_layer, outputs=fc_dt)
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model
