"""The phone page in a real browser: Debian's Chromium, headless, driven by Selenium through
Debian's chromedriver (never a downloaded browser). A member fills the trip form, a reading
below the last one is refused in words, a free slot is booked and a clashing one refused under
the group's rule. Screenshots are saved in each test's folder."""

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import test_phone
from conftest import read_xlsx
from test_phone import LAST_READING, link

from sheetsync import api
from sheetsync.present.formatting import money

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="Chromium or chromedriver is not installed (make test installs them from Debian: chromium chromium-driver)",
)
webdriver = pytest.importorskip("selenium.webdriver")
lilas = test_phone.lilas  # the group, served (the fixture of the phone page's tests)


@pytest.fixture
def browser(tmp_path_factory):
    """Headless Chromium at a phone's width, with a fresh profile and no network of its own."""
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service as DriverService

    options = Options()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
        "--window-size=412,915",
        "--lang=fr-FR",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=DriverService(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def screenshot(driver, path: Path) -> None:
    """The whole page (not only the window) as a PNG."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(412, min(height + 100, 6000))
    driver.save_screenshot(str(path))
    driver.set_window_size(412, 915)


def fill(driver, element_id: str, text: str) -> None:
    field = driver.find_element("id", element_id)
    field.clear()
    field.send_keys(text)


def set_datetime(driver, element_id: str, value: str) -> None:
    """A datetime-local field set as the browser's picker would (typing into it depends on the locale)."""
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element("id", element_id), value)


def submit(driver, button_css: str, answer_css: str):
    """Click a form's button, then wait for the next page's element `answer_css` (the status or the alert)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element("css selector", "html")
    driver.find_element("css selector", button_css).click()

    def left(_) -> bool:  # the old page is gone: its element is stale, or (mid-navigation) chromedriver
        try:  # says it "does not belong to the document", which selenium's staleness_of does not expect
            old.is_enabled()
            return False
        except WebDriverException:
            return True

    # while the next page loads, the driver may answer any of these errors: wait through them
    waiting = WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,))
    waiting.until(left)
    return waiting.until(EC.presence_of_element_located(("css selector", answer_css)))


def balance(driver) -> str:
    return driver.find_element("id", "balance").text


def test_a_member_records_a_trip_and_sees_the_new_balance(browser, lilas, tmp_path):
    workbook, base = lilas
    browser.get(link(base, "Catherine"))
    assert "-467,98" in balance(browser)
    start = browser.find_element("id", "t1-start")
    assert start.get_attribute("value") == str(LAST_READING)  # the last reading, filled in
    assert start.get_attribute("required") == "true"
    screenshot(browser, tmp_path / "phone-page.png")
    set_datetime(browser, "t1-date", "2025-12-20T09:00")  # a trip of last year, noted late
    fill(browser, "t1-end", str(LAST_READING + 100))
    fill(browser, "t1-fuel", "20")
    assert "Enregistré. Merci !" in submit(browser, "#trip-1 button[type=submit]", "[role=status]").text
    row = read_xlsx(workbook)["Saisies"][2]
    assert row[1:4] == ["trajet", "Catherine", "Clio"] and row[6:9] == [LAST_READING, LAST_READING + 100, 20]
    # 2025's costs (and her 20 € of fuel) now spread over 12,890 km, 100 more of them hers
    report = api.load(str(workbook), date(2026, 1, 5))
    new = next(m.balance for m in report.computation.members if m.name == "Catherine")
    assert new != Decimal("-467.98")
    assert balance(browser) == "Votre solde : " + money(new, "EUR", "fr").replace("\u00a0", " ")  # as shown
    assert browser.find_element("id", "t1-start").get_attribute("value") == str(LAST_READING + 100)
    screenshot(browser, tmp_path / "phone-after-trip.png")
    assert len(browser.page_source.encode()) < 100_000


def test_a_reading_below_the_last_one_shows_the_message(browser, lilas, tmp_path):
    workbook, base = lilas
    browser.get(link(base, "Julien"))
    set_datetime(browser, "t1-date", "2026-01-04T09:00")
    fill(browser, "t1-start", str(LAST_READING - 50))
    fill(browser, "t1-end", str(LAST_READING + 10))
    alert = submit(browser, "#trip-1 button[type=submit]", "[role=alert]").text
    assert "Rien n'a été enregistré" in alert and "avant la fin du trajet de la ligne" in alert
    assert browser.find_element("id", "t1-end").get_attribute("value") == str(LAST_READING + 10)  # kept
    screenshot(browser, tmp_path / "phone-refused.png")
    assert "Saisies" not in read_xlsx(workbook)


def test_book_a_free_slot_then_a_clashing_one_shows_the_rule(browser, lilas, tmp_path):
    workbook, base = lilas
    browser.get(link(base, "Catherine"))
    set_datetime(browser, "b-start", "2026-01-10T09:00")
    set_datetime(browser, "b-end", "2026-01-10T18:00")
    assert "Enregistré" in submit(browser, "#b-until + button", "[role=status]").text
    assert "Catherine 09:00–18:00" in browser.find_element("css selector", "table").text
    browser.get(link(base, "Julien"))
    set_datetime(browser, "b-start", "2026-01-10T17:00")
    set_datetime(browser, "b-end", "2026-01-10T21:00")
    alert = submit(browser, "#b-until + button", "[role=alert]").text
    assert "Selon la règle du groupe (premier réservé), Catherine garde la voiture" in alert
    screenshot(browser, tmp_path / "phone-clash.png")
    assert [r[1:3] for r in read_xlsx(workbook)["Saisies"][2:]] == [["réservation", "Catherine"]]


def test_a_payment_of_zero_is_asked_about_then_saved_with_save_anyway(browser, lilas, tmp_path):
    """In the browser: the question, the form still filled in below it, and the button that saves
    the entry as typed (its hidden inputs are the ones the member sent)."""
    workbook, base = lilas
    browser.get(link(base, "Julien"))
    fill(browser, "p-amount", "0")
    set_datetime(browser, "p-date", "2026-01-05T10:00")
    asked = submit(browser, "#p-note + button", "[role=alert]").text
    assert "Vérifiez avant d'enregistrer" in asked and "Le montant est 0." in asked
    assert browser.find_element("id", "p-amount").get_attribute("value") == "0"  # kept, to correct
    screenshot(browser, tmp_path / "phone-asked.png")
    assert "Saisies" not in read_xlsx(workbook)
    assert "Enregistré" in submit(browser, "#confirm-payment button", "[role=status]").text
    assert [r[1:3] + r[10:11] for r in read_xlsx(workbook)["Saisies"][2:]] == [["paiement", "Julien", 0]]
