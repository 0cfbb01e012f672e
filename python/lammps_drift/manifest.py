"""The manifest inside a drift model file (extra file manifest.yaml), read and checked as
src/drift/manifest.cpp's parse_manifest reads and checks it: every problem names the model file
and the key."""
import re

import yaml

SCHEMA_VERSION = 1  # drift::kManifestSchemaVersion
MANIFEST_FILE = "manifest.yaml"  # drift::kManifestFile


class ManifestError(ValueError):
    """A model file that is not a usable drift generator (message: '<path>: <what>')."""


class _Loader(yaml.SafeLoader):
    """YAML as yaml-cpp reads the manifest: only true/false are booleans (PyYAML's YAML 1.1 would
    turn the element symbol No into False), and 1e-05 is a number (YAML 1.1 wants a dot)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"""^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
                  |[-+]?\.(?:inf|Inf|INF)
                  |\.(?:nan|NaN|NAN))$""", re.X),
    list("-+0123456789."))


def angstrom_per_length_unit(units):
    """Length of one unit of a LAMMPS unit style in Angstrom (drift::angstrom_per_length_unit)."""
    table = {"real": 1.0, "metal": 1.0, "si": 1e10, "cgs": 1e8, "electron": 0.52917721067, "micro": 1e4, "nano": 10.0}
    if units in table:
        return table[units]
    if units == "lj":
        raise ValueError("units lj have no length scale in Angstrom: use real, metal, si, cgs, electron, micro or nano")
    raise ValueError("unknown LAMMPS unit style '%s'" % units)


def _fail(model, what):
    raise ManifestError("%s: %s" % (model, what))


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _as_int(v):
    if _is_int(v):
        return v
    raise TypeError


def _as_float(v):
    if isinstance(v, bool):
        raise TypeError
    if isinstance(v, (int, float)):
        return float(v)
    raise TypeError


def _as_str(v):
    # yaml-cpp's as<std::string> takes any scalar's text; maps and sequences are no strings.
    if v is None or isinstance(v, (dict, list)):
        raise TypeError
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _as_list(convert):
    def f(v):
        if not isinstance(v, list):
            raise TypeError
        return [convert(x) for x in v]
    return f


def _get(root, key, model, expected, convert):
    if key not in root:
        _fail(model, "manifest has no '%s' (expected %s); was it written by drift-train?" % (key, expected))
    try:
        return convert(root[key])
    except (TypeError, ValueError):
        _fail(model, "manifest key '%s' is not %s" % (key, expected))


def parse_manifest(text, model):
    """Parses and checks manifest.yaml's text; returns the YAML map (a dict) as stored.

    The checks are parse_manifest's of src/drift/manifest.cpp: kind drift-generator, schema
    version 1, n_atoms > 0, types/masses/elements with n_atoms entries, element symbols, bonds
    (1-based pairs), bond_lengths, a LAMMPS unit style with a length in Angstrom, temperature > 0,
    noise_dim > 0, feature_space coord or dist, method name drift, fi or fk, stein_metric sizes.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not text:
        _fail(model, "no manifest.yaml inside the model file: not a drift generator (write models with drift-train)")
    try:
        root = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = " (line %d)" % (mark.line + 1) if mark is not None else ""
        _fail(model, "manifest.yaml is not valid YAML%s: %s" % (line, getattr(e, "problem", None) or e))
    if not isinstance(root, dict):
        _fail(model, "manifest.yaml is not a YAML map")
    kind = _get(root, "kind", model, "a string", _as_str)
    if kind != "drift-generator":
        _fail(model, "manifest kind is '%s', expected 'drift-generator'" % kind)
    schema = _get(root, "schema_version", model, "an integer", _as_int)
    if schema != SCHEMA_VERSION:
        _fail(model, "manifest schema version %d is not supported (this build reads %d); "
                     "use a lammps-drift of the model's trainer_version" % (schema, SCHEMA_VERSION))
    n = _get(root, "n_atoms", model, "a positive integer", _as_int)
    if n < 1:
        _fail(model, "manifest n_atoms must be positive")
    types = _get(root, "types", model, "a list of LAMMPS atom types", _as_list(_as_int))
    masses = _get(root, "masses", model, "a list of masses", _as_list(_as_float))
    elements = _get(root, "elements", model, "a list of element symbols", _as_list(_as_str))
    if len(types) != n or len(masses) != n or len(elements) != n:
        _fail(model, "manifest types, masses and elements must each have n_atoms = %d entries" % n)
    for e in elements:
        if not (1 <= len(e) <= 3 and e.isascii() and e.isalpha()):
            _fail(model, "manifest elements must be element symbols (1 to 3 letters), found '%s'" % e)
    bonds = _get(root, "bonds", model, "a list of [i, j] atom pairs (1-based)", _as_list(_as_list(_as_int)))
    for b in bonds:
        if len(b) != 2 or b[0] < 1 or b[1] < 1 or b[0] > n or b[1] > n or b[0] == b[1]:
            _fail(model, "manifest bonds must be pairs of distinct atom numbers 1..%d" % n)
    if "bond_lengths" in root:
        lengths = _get(root, "bond_lengths", model, "a list of lengths", _as_list(_as_float))
        if len(lengths) != len(bonds):
            _fail(model, "manifest bond_lengths must have one entry per bond")
    units = _get(root, "units", model, "a LAMMPS unit style", _as_str)
    try:
        angstrom_per_length_unit(units)
    except ValueError as e:
        _fail(model, "manifest units: %s" % e)
    temperature = _get(root, "temperature", model, "a temperature", _as_float)
    if not temperature > 0:
        _fail(model, "manifest temperature must be positive")
    noise_dim = _get(root, "noise_dim", model, "a positive integer", _as_int)
    if noise_dim < 1:
        _fail(model, "manifest noise_dim must be positive")
    space = _get(root, "feature_space", model, "coord or dist", _as_str)
    if space not in ("coord", "dist"):
        _fail(model, "manifest feature_space must be coord or dist, found '%s'" % space)
    method = root.get("method")
    if not isinstance(method, dict) or "name" not in method:
        _fail(model, "manifest has no 'method: {name: ...}'")
    name = _get(method, "name", model, "a method name (drift, fi or fk)", _as_str)
    if name not in ("drift", "fi", "fk"):
        _fail(model, "manifest method name must be drift, fi or fk, found '%s'" % name)
    stein = root.get("stein_metric")
    if "stein_metric" in root:
        if not isinstance(stein, dict):
            _fail(model, "manifest stein_metric must be a map {structure: [3N], beta_hessian: [3N x 3N]}")
        structure = _get(stein, "structure", model, "a list of 3 n_atoms coordinates", _as_list(_as_float))
        hessian = _get(stein, "beta_hessian", model, "a list of (3 n_atoms)^2 numbers", _as_list(_as_float))
        d = 3 * n
        if len(structure) != d or len(hessian) != d * d:
            _fail(model, "manifest stein_metric must hold 3 n_atoms = %d coordinates and a %d x %d beta_hessian" % (d, d, d))
    for key in ("training_data", "training"):
        if key in root and not isinstance(root[key], dict):
            _fail(model, "manifest %s must be a map" % key)
    return root
