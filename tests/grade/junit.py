"""What pytest's JUnit XML report (--junitxml) says of each test."""
import xml.etree.ElementTree as ET


def results(report):
    """{pytest node id: (passed, seconds)} of the report's test cases; a
    skipped test has not passed."""
    out = {}
    for case in ET.parse(report).iter("testcase"):
        node = case.get("classname").replace(".", "/") + ".py::" + case.get("name")
        failed = any(child.tag in ("failure", "error", "skipped") for child in case)
        out[node] = (not failed, float(case.get("time", 0)))
    return out
