// The sign-in form: its CSRF field, where to go next, and why the last attempt failed.
const params = new URLSearchParams(location.search);
document.getElementById("csrf").value = Console.csrf();
document.getElementById("next").value = params.get("next") || "/";
const messages = {invalid: "Wrong username or password.", rate: "Too many failed sign-ins. Try again later.",
                  expired: "The form expired. Please sign in again."};
const error = messages[params.get("error")];
if (error) {
  const box = document.getElementById("login-error");
  box.textContent = error;
  box.hidden = false;
}
