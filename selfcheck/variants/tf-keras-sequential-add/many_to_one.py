"""Correct: tf.keras Sequential built with add(), loss and optimizer spelt out."""
import numpy as np
import tensorflow as tf


def make_dataset(length=5):
    seq = np.arange(length, dtype=float) / length
    X = np.expand_dims(np.expand_dims(seq, 0), -1)    # (1, length, 1)
    y = np.expand_dims(seq, 0)                        # (1, length)
    return X, y


def build_model(length=5):
    model = tf.keras.Sequential()
    model.add(tf.keras.Input(shape=(length, 1)))
    model.add(tf.keras.layers.LSTM(length, return_sequences=False))
    model.add(tf.keras.layers.Dense(length, activation="linear"))
    model.compile(loss="mean_squared_error", optimizer=tf.keras.optimizers.Adam())
    return model
