/* « Près de chez moi »: « Me localiser » asks the browser for its position and hands it to the page's callback
   (in the callback's body, never in the address of the page). Nothing is kept. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  proximite: {
    localiser: function (clicks) {
      if (!clicks) { return window.dash_clientside.no_update; }
      if (!navigator.geolocation) {
        return "Votre navigateur ne donne pas de position : tapez une adresse ou touchez la carte.";
      }
      navigator.geolocation.getCurrentPosition(function (found) {
        window.dash_clientside.set_props("proximite-position", {
          data: {lat: found.coords.latitude, lon: found.coords.longitude, t: Date.now()}
        });
      }, function (error) {
        var words = error.code === 1 ? "vous n'avez pas autorisé la localisation"
          : error.code === 3 ? "la position a mis trop de temps à venir" : "la position n'est pas disponible";
        window.dash_clientside.set_props("proximite-etat", {
          children: "Localisation impossible : " + words + ". Tapez une adresse ou touchez la carte."
        });
      }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
      return "Recherche de votre position…";
    }
  }
});
window.dash_clientside.proximite.montrer = function (place) {
  if (place) {
    window.setTimeout(function () {
      // the summary card first (the works, the next bus, the polling station), else the line that says why
      var card = document.getElementById("proximite-resume") || document.getElementById("proximite-etat");
      if (card) { card.focus(); }
    }, 0);
  }
  return "-1";
};
