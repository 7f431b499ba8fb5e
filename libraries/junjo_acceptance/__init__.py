"""Support code of the Junjo acceptance suite: everything the keyword libraries in ``libraries/``
build on, under one distinctive name so nothing on the Robot pythonpath shadows a PyPI package."""
