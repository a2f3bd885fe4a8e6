"""Mock AEM author, Adobe IMS and Brand Portal: the test bed of aemtools.brand_portal.

Run it with ``python -m tests.mock_aem --help`` from the repository root.
"""
