"""Sentence encoders for claimalign: the offline default model (on ONNX Runtime, int8 or fp32),
any sentence-transformers model, and an on-disk embedding cache.
"""
from .cache import EmbeddingCache
from .convert import ensure_default_model
from .encoders import DEFAULT_MODEL, DEFAULT_PRECISION, PRECISIONS, Encoder, ModelError, claimalign_home
from .errors import ModelIntegrityWarning

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_PRECISION",
    "PRECISIONS",
    "EmbeddingCache",
    "Encoder",
    "ModelError",
    "ModelIntegrityWarning",
    "claimalign_home",
    "ensure_default_model",
]
