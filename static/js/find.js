// "Use my location" on Find a space: fill the search form's hidden lat/lon fields from the
// phone's position and search again, nearest first. Without JavaScript or geolocation the
// buttons stay hidden and the results are grouped by building as usual.
const form = document.querySelector("[data-find-form]");

function statusFor(button) {
  const group = button.closest(".govuk-button-group");
  return (group || button).nextElementSibling;
}

function locate(button) {
  const status = statusFor(button);
  button.disabled = true;
  status.textContent = "Finding where you are…";
  navigator.geolocation.getCurrentPosition(
    (position) => {
      form.querySelector("[data-find-latitude]").value = position.coords.latitude.toFixed(5);
      form.querySelector("[data-find-longitude]").value = position.coords.longitude.toFixed(5);
      status.textContent = "Finding spaces near you…";
      form.submit();
    },
    () => {
      button.disabled = false;
      status.textContent =
        "Your location could not be found. Check that your phone lets this site use it.";
    },
    { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 },
  );
}

if (form && "geolocation" in navigator) {
  for (const button of document.querySelectorAll("[data-find-location]")) {
    button.hidden = false;
    button.addEventListener("click", () => locate(button));
  }
}
