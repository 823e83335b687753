def post_init_hook(env):
    """Give every existing warehouse its service center storage."""
    env["stock.warehouse"].search([])._sc_ensure_service_locations()
