"""The browser the page tests drive is Debian's chromium, launched by Playwright (no download)."""


def test_chromium_renders_a_page(browser):
    page = browser.new_page()
    page.set_content("<svg width='10' height='10'><circle id='c' r='4' cx='5' cy='5'/></svg><p id='p'>railcap</p>")
    assert page.text_content("#p") == "railcap"
    assert page.locator("#c").count() == 1
    page.close()
