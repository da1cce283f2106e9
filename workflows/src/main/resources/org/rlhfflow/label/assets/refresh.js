setTimeout(function () { location.reload(); }, 3000);
