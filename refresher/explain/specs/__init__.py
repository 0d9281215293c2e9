"""Each worked-example kind's declaration (`refresher.explain.spec.Example`): its options with
their one default, its results and its command, one module per maths module of the same name.

Pure standard library: the command line imports these to build its options, and NumPy is only
loaded when a kind is computed (its reader, in the maths module, is imported then).
"""
