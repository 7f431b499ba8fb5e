"""Mechanics of target control: free ports, the embedded target's processes, target descriptions."""
