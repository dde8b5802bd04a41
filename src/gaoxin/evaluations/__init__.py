"""Evaluations: one package per kind — ``mujun`` (亩均效益评价), ``cultivation`` (企业培育), ``zones`` (园区对标) —
each registered in :mod:`gaoxin.evaluations.runs`, the one recipe that runs any kind. Shared helpers:
``periods`` (evaluation periods) and ``industry`` (GB/T 4754 codes).

Imports are lazy: importing the package does not load every kind.
"""
