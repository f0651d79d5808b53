"""The extractor: quotes, their speakers and reported statements found in an article's text.

`extract_attributions(text)` is the stable entry point; see model.Attribution for the fields.
"""

from .model import Attribution
from .speakers import extract_attributions

__all__ = ["Attribution", "extract_attributions"]
