/** Admins add members by email, change their roles, and the page is usable by keyboard. */
import { checkAccessibility, expect, login, screenshot, test } from "./fixtures";

test("an admin adds a member and changes the member's role", async ({ page }) => {
  await login(page);
  await checkAccessibility(page);
  const email = `ann-${Date.now()}@example.com`;
  const user = await page.request.post("/api/v1/users", { data: { email, name: "Ann Otator", password: "correct horse battery" } });
  expect(user.status()).toBe(201);
  const project = await (await page.request.post("/api/v1/projects", { data: { name: "Team work" } })).json();

  await page.goto(`/projects/${project.id}/members`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("annotator");
  await page.getByRole("button", { name: "Add member" }).click();
  const role = page.getByLabel(`Role of ${email}`);
  await expect(role).toHaveValue("annotator");
  await checkAccessibility(page);

  await role.selectOption("viewer");
  await expect(role).toHaveValue("viewer");
  await page.reload();
  await expect(page.getByLabel(`Role of ${email}`)).toHaveValue("viewer");
  await screenshot(page, "11-members");

  // Adding someone who has no account says so, next to the form.
  await page.getByLabel("Email").fill("nobody@example.com");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
});
