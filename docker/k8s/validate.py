"""Checks Kubernetes manifests against the real schemas, strictly (an unknown field is an error, as
`kubectl apply --validate=strict` makes it one):

- built-in kinds (Deployment, Service, ...) against Kubernetes' own JSON schemas, from kubernetes-validate;
- FlinkDeployment against the openAPIV3Schema of the Flink Kubernetes Operator's CRD file given.

usage: validate.py --crd FILE [--kubernetes-version X.Y.Z] MANIFEST...
Prints one JSON object a line per problem ({"file", "kind", "name", "path", "message"}; for built-in kinds the
first problem of each document, as kubernetes-validate stops there) and then a summary line; exits 1 when there
is a problem, 2 when the CRD file holds no CustomResourceDefinition.
"""
import argparse
import copy
import json
import sys

import jsonschema
import kubernetes_validate
import yaml


def strict(schema):
    """The CRD's structural schema with additionalProperties false on every object that lists its properties
    and does not preserve unknown fields: what the API server's strict field validation enforces."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if (node.get("type") == "object" and "properties" in node and "additionalProperties" not in node
                    and not node.get("x-kubernetes-preserve-unknown-fields")):
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


def crd_schemas(path):
    """{(group/version, kind): schema} of every version a CRD file defines."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for crd in yaml.safe_load_all(f):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            group = crd["spec"]["group"]
            kind = crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])
                # apiVersion, kind and metadata are the API server's to check; the CRD leaves them out.
                schema.setdefault("properties", {}).update({
                    "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                    "metadata": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}})
                out[(group + "/" + version["name"], kind)] = strict(schema)
    return out


def problems(path, crds, kubernetes_version):
    with open(path, encoding="utf-8") as f:
        documents = [d for d in yaml.safe_load_all(f) if d]
    for doc in documents:
        kind = doc.get("kind", "?")
        name = (doc.get("metadata") or {}).get("name", "?")
        key = (doc.get("apiVersion"), kind)
        if key in crds:
            validator = jsonschema.Draft7Validator(crds[key])
            for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
                yield {"file": path, "kind": kind, "name": name,
                       "path": ".".join(str(p) for p in error.absolute_path), "message": error.message}
        else:
            try:
                kubernetes_validate.validate(doc, kubernetes_version, strict=True)
            except kubernetes_validate.ValidationError as error:
                # The first problem of the document (kubernetes-validate stops there).
                yield {"file": path, "kind": kind, "name": name,
                       "path": ".".join(str(p) for p in error.absolute_path), "message": error.message}
            except kubernetes_validate.SchemaNotFoundError as error:
                yield {"file": path, "kind": kind, "name": name, "path": "", "message": "no schema: " + str(error)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crd", required=True, action="append", help="a CustomResourceDefinition file")
    parser.add_argument("--kubernetes-version", default=kubernetes_validate.latest_version())
    parser.add_argument("manifests", nargs="+")
    args = parser.parse_args()
    crds = {}
    for path in args.crd:
        crds.update(crd_schemas(path))
    if not crds:
        print("no CustomResourceDefinition in " + ", ".join(args.crd), file=sys.stderr)
        return 2
    found = 0
    for path in args.manifests:
        for problem in problems(path, crds, args.kubernetes_version):
            print(json.dumps(problem, sort_keys=True))
            found += 1
    print(f"{found} problem(s) in {len(args.manifests)} file(s), Kubernetes {args.kubernetes_version}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
