def post_init_hook(env):
    """Give the places of every existing branch their scanning roles."""
    env["stock.warehouse"].search([])._sc_scan_set_place_roles()
