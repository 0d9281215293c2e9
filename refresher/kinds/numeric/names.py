"""The names of the mistakes `refresher.kinds.numeric.mistakes` can diagnose, as `stats` shows them.

Kept apart from the diagnosis (which needs NumPy and the explain engine) so that `stats` and the
review sitting can name a stored mistake without loading either. Pure.
"""

from __future__ import annotations

# name -> what `stats` calls it
LABELS: dict[str, str] = {
    "pool:stride-1": "stride 1 instead of the given stride",
    "pool:stride-window": "windows side by side instead of the given stride",
    "pool:padding-ignored": "padding ignored",
    "pool:pad-counted": "padded cells counted in the average",
    "pool:pad-not-counted": "padded cells left out of the average",
    "pool:ceil": "output size rounded up instead of down",
    "pool:floor": "output size rounded down instead of up",
    "pool:max-for-avg": "max pooling instead of average",
    "pool:avg-for-max": "average pooling instead of max",
    "pool:transposed": "rows and columns swapped",
    "conv:kernel-flipped": "kernel flipped (true convolution)",
    "conv:padding-ignored": "padding ignored",
    "conv:stride-ignored": "stride ignored",
    "conv:transposed": "rows and columns swapped",
    "size:pad-once": "padding counted once instead of twice",
    "size:plus-one": "+1 forgotten in the output size",
    "size:padding-ignored": "padding ignored in the output size",
    "size:stride-ignored": "stride ignored in the output size",
    "size:ceil": "output size rounded up instead of down",
    "size:floor": "output size rounded down instead of up",
    "size:transposed": "rows and columns swapped",
    "rnn:bias-left-out": "bias left out",
    "rnn:sigmoid-for-tanh": "sigmoid instead of tanh for the hidden state",
    "lstm:bias-left-out": "bias left out",
    "lstm:tanh-for-sigmoid-f": "tanh instead of sigmoid for the forget gate",
    "lstm:tanh-for-sigmoid-i": "tanh instead of sigmoid for the input gate",
    "lstm:tanh-for-sigmoid-o": "tanh instead of sigmoid for the output gate",
    "lstm:sigmoid-for-tanh-g": "sigmoid instead of tanh for the candidate",
    "lstm:h-c-swapped": "h_{t-1} and c_{t-1} swapped",
    "lstm:forget-on-candidate": "forget gate applied to the candidate",
    "lstm:no-tanh-on-c": "tanh of the cell state left out of h_t",
    "gru:bias-left-out": "bias left out",
    "gru:tanh-for-sigmoid-r": "tanh instead of sigmoid for the reset gate",
    "gru:tanh-for-sigmoid-z": "tanh instead of sigmoid for the update gate",
    "gru:sigmoid-for-tanh-n": "sigmoid instead of tanh for the candidate",
    "gru:update-flipped": "z and 1 - z the other way round",
    "gru:reset-after": "reset gate applied after the hidden product",
    "gru:reset-before": "reset gate applied before the hidden product",
    "params:two-biases": "two bias vectors per block instead of one",
    "params:one-bias": "one bias vector per block instead of two",
    "params:no-biases": "biases left out",
    "params:gates-rnn": "gate count of a simple RNN",
    "params:gates-gru": "gate count of a GRU",
    "params:gates-lstm": "gate count of an LSTM",
    "params:sizes-swapped": "input and hidden sizes swapped",
    "params:output-forgotten": "output layer forgotten",
    "attention:unscaled": "scores not divided by √d_k",
    "attention:mask-ignored": "mask ignored",
    "attention:scores-as-weights": "raw scores used as weights (no softmax)",
    "attention:plain-average": "plain average of the values",
    "attention:scores-normalised": "scores divided by their sum instead of a softmax",
    "shapes:batch-first-on-states": "batch_first applied to h_n / c_n",
    "shapes:batch-first-ignored": "time and batch axes the other way round",
    "shapes:directions-forgotten": "one direction counted for a bidirectional layer",
    "shapes:layers-forgotten": "layers left out of h_n / c_n",
    "shapes:layers-in-output": "layers stacked into the output",
    "shapes:return-sequences": "return_sequences the other way round",
    "shapes:input-size-in-output": "input size instead of hidden size in the output",
    "perplexity:nll-given": "NLL given for the perplexity",
    "perplexity:no-mean": "total log-likelihood exponentiated instead of the mean",
    "perplexity:arithmetic-mean": "arithmetic mean of the probabilities",
    "perplexity:other-base": "logs to the other base",
    "perplexity:sign": "NLL with the wrong sign",
    "beam:greedy": "greedy decoding instead of the beam",
    "beam:best-of-all": "best sequence of all instead of the beam's",
}


def label_of(name: str) -> str:
    """What `stats` calls a stored mistake (a name from an older or newer refresher: itself)."""
    return LABELS.get(name, name)
