"""Point an external folder of Enzyme-style lit tests at this project's lit configuration.

    python tests/lit/make_site_cfg.py DIR

writes ``DIR/lit.site.cfg.py``, which sets ``config.test_source_root`` to DIR and loads
``tests/lit/lit.cfg.py``; ``lit DIR/...`` then runs the tests there through
zymase.  For Enzyme's tree, DIR is ``enzyme/test`` (the site file shadows Enzyme's own
``lit.cfg.py`` in the same folder).  Nothing is written anywhere else.
"""
import os
import sys

TEMPLATE = '''# Written by {script}: runs the tests below through zymase's lit configuration.
config.test_source_root = {root!r}
lit_config.load_config(config, {cfg!r})
'''


def main(argv):
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        sys.stderr.write(__doc__)
        return 2
    root = os.path.abspath(argv[1])
    cfg = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lit.cfg.py")
    path = os.path.join(root, "lit.site.cfg.py")
    with open(path, "w") as f:
        f.write(TEMPLATE.format(script="tests/lit/make_site_cfg.py", root=root, cfg=cfg))
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
