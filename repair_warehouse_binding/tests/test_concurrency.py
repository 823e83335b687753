import uuid
from functools import partial

from psycopg2 import errors

from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger


@tagged("post_install", "-at_install")
class TestScanConcurrency(TransactionCase):
    """Two scans of one device at the same moment, in two real transactions.

    The data is committed (the other cursor must see it) and removed at the end.
    """

    def _committed_setup(self):
        tag = uuid.uuid4().hex[:8].upper()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            branch = env.ref("stock.warehouse0")
            product = env["product.product"].create(
                {
                    "name": f"Concurrency phone {tag}",
                    "type": "consu",
                    "is_storable": True,
                    "tracking": "serial",
                }
            )
            client = env["res.partner"].create(
                {"name": f"Client {tag}", "mobile": "+7 916 000-00-01"}
            )
            places = env["stock.location"].create(
                [
                    {
                        "name": f"Shelf {tag} {n}",
                        "location_id": branch.sc_storage_location_id.id,
                        "barcode": f"CC-{tag}-{n}",
                    }
                    for n in (1, 2)
                ]
            )
            repair = env["repair.order"].create(
                {
                    "picking_type_id": branch.repair_type_id.id,
                    "product_id": product.id,
                    "partner_id": client.id,
                    "serial_number": f"SN-{tag}",
                    "fault_description": "Does not boot",
                }
            )
            repair.action_sc_confirm_intake()
            return {
                "repair": repair.id,
                "name": repair.name,
                "product": product.id,
                "client": client.id,
                "places": places.ids,
                "codes": places.mapped("barcode"),
            }

    def _cleanup(self, data):
        with self.registry.cursor() as cr:
            moves = SQL(
                "SELECT id FROM stock_move WHERE product_id = %s", data["product"]
            )
            cr.execute(
                SQL("DELETE FROM repair_scan_log WHERE repair_id = %s", data["repair"])
            )
            cr.execute(
                SQL(
                    "DELETE FROM stock_valuation_layer WHERE product_id = %s",
                    data["product"],
                )
            )
            cr.execute(SQL("DELETE FROM stock_move_line WHERE move_id IN (%s)", moves))
            cr.execute(SQL("DELETE FROM stock_move WHERE id IN (%s)", moves))
            cr.execute(
                SQL("DELETE FROM stock_quant WHERE product_id = %s", data["product"])
            )
            # The core's audit rows restrict the repair's deletion: they go first.
            for table in ("repair_stage_history", "repair_deadline_log"):
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE repair_id = %s",
                        SQL.identifier(table),
                        data["repair"],
                    )
                )
            cr.execute(SQL("DELETE FROM repair_order WHERE id = %s", data["repair"]))
            cr.execute(
                SQL("DELETE FROM stock_lot WHERE product_id = %s", data["product"])
            )
            cr.execute(
                SQL("DELETE FROM stock_location WHERE id IN %s", tuple(data["places"]))
            )
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].browse(data["product"])
            product.product_tmpl_id.unlink()
            env["res.partner"].browse(data["client"]).unlink()

    def test_two_scans_of_one_device_at_once(self):
        """Two scanners, two transactions, one device.

        Transaction 2 starts first (its snapshot predates transaction 1), then
        transaction 1 relocates the device. While 1 is open, 2 waits on the
        device's lock; once 1 has committed, 2 cannot act on its stale picture
        of the stock: it fails with a serialization error and the retry (as
        the server does for every request) moves the device on from where 1
        put it. One location, no duplicated move.
        """
        data = self._committed_setup()
        self.addCleanup(self._cleanup, data)
        code_1, code_2 = data["codes"]
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            # Transaction 2 takes its snapshot: it sees the device at reception.
            device_2 = env2["repair.order"].browse(data["repair"])
            reception = device_2.device_location_id
            self.assertEqual(reception, device_2.branch_id.sc_reception_location_id)

            first = env1["repair.scan"].sc_scan(code_1, repair_id=data["repair"])
            self.assertEqual(first["status"], "moved")
            # 1 is not committed: 2 waits for the device (here: gives up).
            cr2.execute("SET LOCAL lock_timeout = '300ms'")
            with self.assertRaises(errors.LockNotAvailable), mute_logger("odoo.sql_db"):
                with cr2.savepoint(flush=False):
                    env2["repair.scan"].sc_scan(code_2, repair_id=data["repair"])
            cr1.commit()
            # 1 committed: 2's snapshot is stale, the lock says so.
            with (
                self.assertRaises(errors.SerializationFailure),
                mute_logger("odoo.sql_db"),
            ):
                with cr2.savepoint(flush=False):
                    env2["repair.scan"].sc_scan(code_2, repair_id=data["repair"])
            # The server retries the request in a new transaction.
            cr2.rollback()
            env2.invalidate_all()
            second = retrying(
                partial(env2["repair.scan"].sc_scan, code_2, repair_id=data["repair"]),
                env2,
            )
            cr2.commit()
        self.assertEqual(second["status"], "moved", second)
        self.assertEqual(second["log"]["from"], first["log"]["to"])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            quants = env["stock.quant"].search(
                [
                    ("product_id", "=", data["product"]),
                    ("location_id.usage", "=", "internal"),
                    ("quantity", "!=", 0),
                ]
            )
            self.assertEqual(len(quants), 1)
            self.assertEqual(quants.quantity, 1.0)
            self.assertEqual(quants.location_id.id, data["places"][1])
            # Intake + two relocations: no duplicated move.
            moves = env["stock.move"].search(
                [("product_id", "=", data["product"]), ("state", "=", "done")]
            )
            self.assertEqual(len(moves), 3)
            logs = env["repair.scan.log"].search([("repair_id", "=", data["repair"])])
            self.assertEqual(len(logs), 2)
