#!/usr/bin/python3
"""Reference values for tests/trainers/dpo_reference_test.cc: the DPO loss and its gradient
on a small bigram model, computed with PyTorch (Debian's python3-torch, 1.13) in float64,
written independently of locosim's C++ (docs/algorithms.md, "Preference optimisation").

Run: /usr/bin/python3 tools/reference/dpo_small_model.py
"""
import math

import torch
import torch.nn.functional as F

V, D, T, BETA = 5, 3, 4, 0.1


def weights(shift):
    e = torch.tensor([[0.5 * math.sin(1 + i * D + j + shift) for j in range(D)]
                      for i in range(V)], dtype=torch.float64)
    w = torch.tensor([[0.7 * math.cos(2 + i * V + j - shift) for j in range(V)]
                      for i in range(D)], dtype=torch.float64)
    return e, w


def logits(e, w, tokens):
    return e[tokens] @ w  # [rows, T, V]


# Two pairs: rows 0, 1 chosen, rows 2, 3 rejected; the prompt is 2 tokens (targets from
# position 1 on are response), and pair 1's last position is padding.
inputs = torch.tensor([[0, 1, 2, 3], [4, 3, 2, 0], [0, 1, 3, 2], [4, 3, 0, 0]])
targets = torch.tensor([[1, 2, 3, 4], [3, 2, 1, 0], [1, 3, 2, 4], [3, 0, 1, 0]])
mask = torch.tensor([[0, 1, 1, 1], [0, 1, 1, 0], [0, 1, 1, 1], [0, 1, 1, 0]], dtype=torch.bool)

e, w = weights(0.0)
e.requires_grad_()
w.requires_grad_()
e_ref, w_ref = weights(1.0)


def sequence_log_probs(lg):
    lp = F.log_softmax(lg, dim=-1)
    picked = torch.stack([torch.stack([lp[b, t, targets[b, t]] for t in range(T)])
                          for b in range(4)])
    return torch.stack([sum(picked[b, t] for t in range(T) if mask[b, t]) for b in range(4)])


policy = sequence_log_probs(logits(e, w, inputs))
with torch.no_grad():
    reference = sequence_log_probs(logits(e_ref, w_ref, inputs))
h = (policy[:2] - reference[:2]) - (policy[2:] - reference[2:])
loss = -F.logsigmoid(BETA * h).mean()
loss.backward()
print("policy log-probs", [f"{v:.12f}" for v in policy.tolist()])
print("margins h", [f"{v:.12f}" for v in h.tolist()])
print(f"loss {loss.item():.12f}")
print("dL/dW[0]", [f"{v:.12e}" for v in w.grad[0].tolist()])
print("dL/dE[3]", [f"{v:.12e}" for v in e.grad[3].tolist()])
print(f"|dL/dW| {w.grad.norm().item():.12e}  |dL/dE| {e.grad.norm().item():.12e}")
