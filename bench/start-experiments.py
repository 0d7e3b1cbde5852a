#!/usr/bin/env python3
"""Creates (or replaces) and starts the 20 experiments of bench/src/main/resources/assignment-workload.json in one
environment. Usage: bench/start-experiments.py <gateway>/api/v1/projects/<id>/environments/<env> <admin key>"""
import json
import sys
import urllib.error
import urllib.request

base, key = sys.argv[1], sys.argv[2]


def call(method, path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method,
                                     headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    try:
        urllib.request.urlopen(request).read()
    except urllib.error.HTTPError as e:
        if e.code != 409:  # already running
            raise


for experiment in json.load(open("bench/src/main/resources/assignment-workload.json"))["experiments"]:
    call("PUT", f"/experiments/{experiment['key']}", experiment["flywheel"])
    call("POST", f"/experiments/{experiment['key']}/status", {"status": "running"})
