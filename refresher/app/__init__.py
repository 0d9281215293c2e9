"""The app layer: refresher's use cases, between a front end and the core.

Opening banks (`app.banks`), a quiz round's history (`app.quiz`), a review sitting and the card
commands (`app.review`), the inputs of stats (`app.stats`) and the settings (`app.settings`).
Plain functions and classes: they take a store, a clock (or `now`) and settings, and return core
values; they never prompt, print or import Rich or Typer. `cli/` asks these and renders what
comes back; a second front end (a web page, a notebook) would call the same functions.
"""
