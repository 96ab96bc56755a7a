"""Layout check of a drawn figure: text inside, no overlaps, arrows clear, contrast, font size.

:func:`check_layout` looks at any matplotlib :class:`~matplotlib.figure.Figure`
(it lays the figure out itself) and returns one :class:`LayoutProblem` per
finding (an empty list when the figure passes)::

    problems = check_layout(fig)
    assert not problems, [str(p) for p in problems]

The rules:

``outside``
    Every non-empty text lies inside the canvas (or inside ``bbox``, the
    area that will be saved, in inches).
``overlap``
    No two non-empty text boxes overlap.
``arrow``
    No arrow (:class:`~matplotlib.patches.FancyArrowPatch`, also the arrow
    of an annotation) crosses a text box other than its own label.
``contrast``
    Text against the background under its centre reaches 4.5:1 (WCAG 2
    relative luminance). The background is the topmost patch or mesh cell
    under the text (the text's own box when it has one), otherwise the axes
    or figure face colour; translucent fills are blended onto what lies
    below them.
``font``
    No font below 6 pt at print size: the size in points, scaled down when
    the figure (or the saved ``bbox``) is wider than the printed width
    (16 cm, an A4 text column).

The module draws nothing and imports nothing from the reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.collections import QuadMesh
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import FancyArrowPatch, Patch
from matplotlib.path import Path
from matplotlib.spines import Spine
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

MIN_CONTRAST = 4.5
MIN_FONT_PT = 6.0
PRINT_WIDTH_CM = 16.0

RULES = {
    "outside": ("Text ragt aus der Abbildung", "text outside the canvas"),
    "overlap": ("Texte überlappen", "texts overlap"),
    "arrow": ("Pfeil kreuzt Text", "arrow crosses text"),
    "contrast": ("Kontrast zu gering", "contrast too low"),
    "font": ("Schrift zu klein", "font too small"),
}


@dataclass(frozen=True)
class LayoutProblem:
    """One finding of :func:`check_layout`.

    Attributes
    ----------
    rule : str
        ``outside``, ``overlap``, ``arrow``, ``contrast`` or ``font``.
    text : str
        The text concerned.
    detail : str
        What was measured (the other text, the contrast ratio, the size ...).
    """

    rule: str
    text: str
    detail: str

    def message(self, lang: str = "de") -> str:
        """Return the finding as one sentence.

        Parameters
        ----------
        lang : {"de", "en"}
            Language.

        Returns
        -------
        str
            E.g. ``Kontrast zu gering: 'Input' (3,9:1, mindestens 4,5:1)``.
        """
        name = RULES[self.rule][0 if lang == "de" else 1]
        return f"{name}: {self.text!r} ({self.detail})"

    def __str__(self) -> str:
        return self.message("de")


def _num(x: float, decimals: int = 1) -> str:
    return f"{x:.{decimals}f}".replace(".", ",")


def relative_luminance(colour: object) -> float:
    """WCAG 2 relative luminance of a colour.

    Parameters
    ----------
    colour : matplotlib colour
        Any colour matplotlib understands.

    Returns
    -------
    float
        0 (black) to 1 (white).

    Examples
    --------
    >>> round(relative_luminance("#777777"), 3)
    0.184
    """
    rgb = np.asarray(to_rgba(colour)[:3], dtype=float)
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(lin @ np.array([0.2126, 0.7152, 0.0722]))


def contrast_ratio(a: object, b: object) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21).

    Parameters
    ----------
    a, b : matplotlib colour
        The two colours (order does not matter).

    Returns
    -------
    float
        The ratio ``(L_light + 0.05) / (L_dark + 0.05)``.

    Examples
    --------
    >>> round(contrast_ratio("black", "white"), 1)
    21.0
    >>> round(contrast_ratio("#777777", "white"), 2)
    4.48
    """
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def _blend(top: tuple[float, ...], below: tuple[float, ...]) -> tuple[float, float, float, float]:
    a = top[3]
    rgb = [a * t + (1 - a) * b for t, b in zip(top[:3], below[:3], strict=True)]
    return (rgb[0], rgb[1], rgb[2], 1.0)


def _visible(artist: Artist) -> Iterator[Artist]:
    """Visible artists under ``artist`` as they are drawn (ticks only those in view)."""
    if not artist.get_visible():
        return
    if isinstance(artist, Axes) and not artist.axison:
        children = [c for c in artist.get_children() if not isinstance(c, Axis | Spine)]
    elif isinstance(artist, Axis):
        ticks = artist._update_ticks()  # the ticks matplotlib draws (in view)
        children = [t for tick in ticks for t in (tick.label1, tick.label2)]
        children += [artist.label, artist.offsetText]
    else:
        children = artist.get_children()
    yield artist
    for child in children:
        yield from _visible(child)


def _texts(fig: Figure) -> list[Text]:
    out = []
    for artist in _visible(fig):
        if isinstance(artist, Text) and artist.get_text().strip():
            out.append(artist)
    return out


def _axes_of(artist: Artist) -> Axes | None:
    return artist.axes


def _background(
    text: Text, point: np.ndarray, fig: Figure, layers: list[Artist], extents: list[Bbox]
) -> tuple:
    """Return the colour under ``point``: topmost patch or mesh cell, then axes, figure."""
    base = to_rgba(fig.get_facecolor())
    base = _blend(base, (1, 1, 1, 1))
    ax = _axes_of(text)
    candidates: list[tuple[float, int, tuple]] = []
    own = text.get_bbox_patch()
    if own is not None and own.get_visible() and own.get_fill():
        return _blend(to_rgba(own.get_facecolor()), base)
    for order, (artist, extent) in enumerate(zip(layers, extents, strict=True)):
        if artist.get_zorder() > text.get_zorder() or not extent.contains(*point):
            continue  # cheap test on the extent before the exact one
        colour = None
        if isinstance(artist, QuadMesh):
            colour = _mesh_colour(artist, point)
        elif isinstance(artist, Patch):
            if artist.contains_point(point):
                colour = to_rgba(artist.get_facecolor())
        if colour is not None and colour[3] > 0:
            candidates.append((artist.get_zorder(), order, colour))
    # axes face under everything inside that axes
    stack = [base]
    for a in fig.axes:
        if a.patch.get_visible() and a.patch.contains_point(point) and (a is ax or ax is None):
            stack.append(_blend(to_rgba(a.patch.get_facecolor()), stack[-1]))
    colour = stack[-1]
    for _z, _o, c in sorted(candidates, key=lambda t: (t[0], t[1])):
        colour = _blend(c, colour)
    return colour


def _extent(artist: Artist, renderer: object) -> Bbox:
    """Display extent of a layer, slightly widened; everywhere when it cannot be measured."""
    try:
        box = artist.get_window_extent(renderer)
    except (AttributeError, TypeError, ValueError, NotImplementedError):
        box = None
    if box is None or not np.all(np.isfinite(box.get_points())):
        return Bbox.from_extents(-np.inf, -np.inf, np.inf, np.inf)
    return box.padded(1.0)


def _mesh_colour(mesh: QuadMesh, point: np.ndarray) -> tuple | None:
    coords = mesh.get_coordinates()  # (ny + 1, nx + 1, 2) in data space
    ny, nx = coords.shape[0] - 1, coords.shape[1] - 1
    disp = mesh.get_transform().transform(coords.reshape(-1, 2)).reshape(coords.shape)
    colours = mesh.get_facecolors()
    if len(colours) == 0:
        return None
    for i in range(ny):
        for j in range(nx):
            quad = np.array([disp[i, j], disp[i, j + 1], disp[i + 1, j + 1], disp[i + 1, j]])
            lo, hi = quad.min(axis=0), quad.max(axis=0)
            if np.all(point >= lo) and np.all(point <= hi):
                index = i * nx + j if len(colours) > 1 else 0
                return tuple(colours[index])
    return None


def _outline(text: Text, box: Bbox, renderer: object) -> np.ndarray:
    """Corners of a text's own (possibly rotated) rectangle in display space.

    The window extent of rotated text is the axis-aligned box around it;
    the rectangle itself has the unrotated size, turned about the same centre.
    """
    angle = text.get_rotation() % 180
    if angle == 0:
        return np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1], [box.x0, box.y1]])
    rotation = text.get_rotation()
    text.set_rotation(0)
    flat = text.get_window_extent(renderer)
    text.set_rotation(rotation)
    w, h = flat.width / 2, flat.height / 2
    c, s = np.cos(np.radians(rotation)), np.sin(np.radians(rotation))
    corners = np.array([[-w, -h], [w, -h], [w, h], [-w, h]]) @ np.array([[c, s], [-s, c]])
    return corners + np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])


def _polygons_overlap(a: np.ndarray, b: np.ndarray, tol: float) -> bool:
    """Whether two convex polygons overlap by more than ``tol`` (separating axes)."""
    for poly in (a, b):
        for k in range(len(poly)):
            edge = poly[(k + 1) % len(poly)] - poly[k]
            normal = np.array([-edge[1], edge[0]])
            norm = np.hypot(*normal)
            if norm == 0:
                continue
            normal = normal / norm
            pa, pb = a @ normal, b @ normal
            if min(pa.max(), pb.max()) - max(pa.min(), pb.min()) <= tol:
                return False
    return True


def _arrows(fig: Figure) -> list[tuple[FancyArrowPatch, Text | None]]:
    out: list[tuple[FancyArrowPatch, Text | None]] = []
    for artist in _visible(fig):
        if isinstance(artist, Annotation):
            patch = artist.arrow_patch
            if patch is not None and patch.get_visible():
                out.append((patch, artist))
        elif isinstance(artist, FancyArrowPatch):
            if not any(patch is artist for patch, _ in out):
                out.append((artist, None))
    return out


def check_layout(
    fig: Figure,
    *,
    bbox: Bbox | None = None,
    min_contrast: float = MIN_CONTRAST,
    min_font_pt: float = MIN_FONT_PT,
    print_width_cm: float = PRINT_WIDTH_CM,
    tolerance_px: float = 0.5,
    draw: bool = True,
) -> list[LayoutProblem]:
    """Check a drawn figure for clipped or overlapping text, crossing arrows, contrast, size.

    Parameters
    ----------
    fig : Figure
        A drawn figure (laid out here unless ``draw=False``).
    bbox : Bbox, optional
        The area that will be saved, in inches (e.g. the tight box passed to
        ``savefig(bbox_inches=...)``); default the whole canvas.
    min_contrast : float, default 4.5
        Smallest contrast ratio of text against its background (WCAG AA).
    min_font_pt : float, default 6
        Smallest font size at print size, in points.
    print_width_cm : float, default 16
        Printed width; a wider figure is scaled down to it.
    tolerance_px : float, default 0.5
        Overlaps and excursions up to this many pixels are ignored.
    draw : bool, default True
        Lay the figure out first (``fig.draw_without_rendering()``: every
        position as drawn, no pixels). Pass False for a figure that has just
        been laid out and not changed since but for added texts (the build
        does so: one layout pass for the saved box and the check).

    Returns
    -------
    list of LayoutProblem
        Empty when the figure passes every rule.
    """
    if draw:
        fig.draw_without_rendering()
    renderer = fig._get_renderer()  # any canvas (Agg, PDF, SVG, inline)
    texts = _texts(fig)
    boxes = [t.get_window_extent(renderer) for t in texts]
    problems: list[LayoutProblem] = []

    canvas = fig.bbox if bbox is None else bbox.transformed(fig.dpi_scale_trans)
    tol = tolerance_px
    for t, b in zip(texts, boxes, strict=True):
        if (
            b.x0 < canvas.x0 - tol
            or b.y0 < canvas.y0 - tol
            or b.x1 > canvas.x1 + tol
            or b.y1 > canvas.y1 + tol
        ):
            problems.append(LayoutProblem("outside", t.get_text(), "außerhalb der Abbildung"))

    shapes = [_outline(t, b, renderer) for t, b in zip(texts, boxes, strict=True)]
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            a, b = boxes[i], boxes[j]
            w = min(a.x1, b.x1) - max(a.x0, b.x0)
            h = min(a.y1, b.y1) - max(a.y0, b.y0)
            if w > tol and h > tol and _polygons_overlap(shapes[i], shapes[j], tol):
                problems.append(
                    LayoutProblem("overlap", texts[i].get_text(), f"mit {texts[j].get_text()!r}")
                )

    for patch, own in _arrows(fig):
        path = patch.get_transform().transform_path(patch.get_path())
        # polylines (curves flattened; CLOSEPOLY's dummy vertex dropped)
        lines = [Path(p) for p in path.to_polygons(closed_only=False) if len(p) > 1]
        for t, b in zip(texts, boxes, strict=True):
            if t is own:
                continue
            inner = Bbox.from_extents(b.x0 + tol, b.y0 + tol, b.x1 - tol, b.y1 - tol)
            if (
                inner.width > 0
                and inner.height > 0
                and any(line.intersects_bbox(inner, filled=False) for line in lines)
            ):
                name = patch.get_gid() or (own.get_gid() if own is not None else None) or "Pfeil"
                problems.append(LayoutProblem("arrow", t.get_text(), f"gekreuzt von {name}"))

    layers = [
        a
        for a in _visible(fig)
        if (isinstance(a, Patch) and not isinstance(a, FancyArrowPatch | Spine))
        or isinstance(a, QuadMesh)
    ]
    axes_patches = {id(a.patch) for a in fig.axes} | {id(fig.patch)}
    legend_handles = {
        id(h) for a in _visible(fig) if isinstance(a, Legend) for h in a.legend_handles
    }
    layers = [a for a in layers if id(a) not in axes_patches and id(a) not in legend_handles]
    for t in texts:
        if t.get_bbox_patch() is not None:
            layers = [a for a in layers if a is not t.get_bbox_patch()]
    # display extents of the layers, measured once (a patch's exact test is costly)
    extents = [_extent(a, renderer) for a in layers]
    for t, b in zip(texts, boxes, strict=True):
        centre = np.array([(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2])
        bg = _background(t, centre, fig, layers, extents)
        fg = _blend(to_rgba(t.get_color(), t.get_alpha()), bg)
        ratio = contrast_ratio(fg, bg)
        if ratio < min_contrast - 1e-9:
            problems.append(
                LayoutProblem(
                    "contrast",
                    t.get_text(),
                    f"{_num(ratio)}:1, mindestens {_num(min_contrast)}:1",
                )
            )

    # the saved width: a tight box wider than the figure is printed smaller still
    width_cm = (bbox.width if bbox is not None else fig.get_figwidth()) * 2.54
    scale = print_width_cm / width_cm if width_cm > print_width_cm + 0.05 else 1.0
    for t in texts:
        size = t.get_fontsize() * scale
        if size < min_font_pt - 1e-9:
            problems.append(
                LayoutProblem(
                    "font",
                    t.get_text(),
                    f"{_num(size)} pt gedruckt, mindestens {_num(min_font_pt)}",
                )
            )
    return problems
