/* French for plotly's dates and tool bar. plotly.js reads window.PlotlyLocales when it loads (after the assets:
   dcc.Graph loads it on demand), and the graphs ask for it with config.locale = "fr". */
window.PlotlyLocales = (window.PlotlyLocales || []).concat([{
  moduleType: "locale",
  name: "fr",
  dictionary: {
    "Autoscale": "Échelle automatique",
    "Box Select": "Sélection rectangulaire",
    "Compare data on hover": "Comparer les données au survol",
    "Double-click to zoom back out": "Double-cliquer pour revenir à la vue d'ensemble",
    "Download plot": "Télécharger le graphique",
    "Download plot as a PNG": "Télécharger le graphique (PNG)",
    "Download plot as JSON": "Télécharger le graphique (JSON)",
    "Lasso Select": "Sélection au lasso",
    "Pan": "Déplacer",
    "Produced with Plotly.js": "Réalisé avec Plotly.js",
    "Reset axes": "Réinitialiser les axes",
    "Reset view": "Réinitialiser la vue",
    "Show closest data on hover": "Données les plus proches au survol",
    "Toggle Spike Lines": "Lignes de repère",
    "Zoom": "Zoomer",
    "Zoom in": "Zoom avant",
    "Zoom out": "Zoom arrière"
  },
  format: {
    days: ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
    shortDays: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
    months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"],
    shortMonths: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
    date: "%d/%m/%Y",
    decimal: ",",
    thousands: "\u202f"
  }
}]);
