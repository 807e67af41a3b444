from setuptools import setup

setup(cffi_modules=["adapters/landmarks/build_landmarks.py:ffibuilder"])
