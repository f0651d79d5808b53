"""The review server's plugin (`make review`), loaded only by article_facts/review_server.py:

- routes.py: the hooks and the two pages, /-/review and /-/review/<article id>;
- page_data.py: what the pages show (drafts counted, entries beside their paragraphs);
- actions.py: accept, reject, change the speaker, fix the words, edit a title, accept the rest;
- facts_file.py: facts.yml edited in place (ruamel.yaml round-trip positions, other lines kept);
- saving.py: check (the article with the archive index, or the whole archive), write, publish (build.replace, or a full build).
"""
