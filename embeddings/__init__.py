"""Sentence encoders for claimalign: the offline default model, any sentence-transformers model,
and an on-disk embedding cache."""
from .cache import EmbeddingCache
from .convert import ensure_default_model
from .encoders import DEFAULT_MODEL, Encoder, ModelError, claimalign_home

__all__ = ["DEFAULT_MODEL", "EmbeddingCache", "Encoder", "ModelError", "claimalign_home", "ensure_default_model"]
