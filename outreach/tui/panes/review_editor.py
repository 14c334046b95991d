"""The template editor: a TextArea that highlights Jinja with the tree-sitter-jinja grammar.

Textual's TextArea ships grammars for code languages but none for Jinja; a pitch template is
prose with `{{ … }}` and `{% … %}` in it, and tree-sitter-jinja marks exactly those (tags,
names, filters, strings) while leaving the prose plain. Without the grammar the editor still
works, unhighlighted.
"""

from __future__ import annotations

from importlib.resources import files

from textual.widgets import TextArea

LANGUAGE = "jinja"


def template_editor(editor_id: str) -> TextArea:
    """A soft-wrapping editor with line numbers (QA findings cite lines) and Jinja highlighting."""
    editor = TextArea(id=editor_id, soft_wrap=True, show_line_numbers=True, tab_behavior="focus")
    try:
        import tree_sitter_jinja
        from tree_sitter import Language
    except ImportError:
        return editor
    query = files(tree_sitter_jinja).joinpath("queries", "highlights.scm").read_text(encoding="utf-8")
    editor.register_language(LANGUAGE, Language(tree_sitter_jinja.language()), query)
    editor.language = LANGUAGE
    return editor
