/** The dashboard's sign-in form: one field, posted to `action`; `problem` is shown above it. */
export function loginPage(action: string, problem?: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>rf-edit queues: sign in</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}
input{width:100%;padding:.5rem;margin:.5rem 0;box-sizing:border-box}p.problem{color:#b00020}</style></head>
<body>
<h1>rf-edit queues</h1>
${problem ? `<p class="problem">${escapeHtml(problem)}</p>` : ""}
<form method="post" action="${escapeHtml(action)}">
<label for="token">ADMIN_TOKEN</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
