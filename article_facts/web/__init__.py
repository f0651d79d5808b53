"""The serving wing: what wraps Datasette (ASGI middleware) and what our plugins call.

Each module is one concern with plain functions; the hookimpls in plugins/ are thin. The
wrappers' order is declared once, in stack.py.
"""
