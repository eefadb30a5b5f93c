// What SENDesk keeps on this device for working without the network (issue 13), in one
// IndexedDB database, "sendesk-offline". Everything about pupils in it is encrypted with
// AES-GCM under the signed-in person's key (handed out by /api/v1/offline/key, imported as
// a non-extractable CryptoKey: script can use it, nobody can read it out). Stores:
//   keys   {user, key: CryptoKey, deadline: device ms, skew: device ms - server ms}
//   packs  {user, iv, ct, refreshed: device ms}        what My day needs, encrypted
//   outbox {seq, user, state, iv, ct, at}              records waiting to be sent
//   meta   {name: "current", user}                     who is signed in on this device
// Kept records (outbox) are tagged with their person and only ever shown to or sent as
// them; the key and the pack go at sign-out, at the end of the sign-in's life, and when
// someone else (or nobody) is signed in.
(function () {
  "use strict";
  var NAME = "sendesk-offline";
  var STORES = ["keys", "packs", "outbox", "meta"];
  var UNSENT = ["waiting", "sending", "refused"];

  function req(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  function exists() {
    // Looking must not create the database (a signed-out page keeps nothing).
    if (!window.indexedDB) return Promise.resolve(false);
    if (!indexedDB.databases) return Promise.resolve(true);
    return indexedDB.databases().then(function (list) {
      return list.some(function (d) { return d.name === NAME; });
    });
  }

  var opening = null;
  function open() {
    if (opening) return opening;
    opening = new Promise(function (resolve, reject) {
      var r = indexedDB.open(NAME, 1);
      r.onupgradeneeded = function () {
        var db = r.result;
        db.createObjectStore("keys", {keyPath: "user"});
        db.createObjectStore("packs", {keyPath: "user"});
        var outbox = db.createObjectStore("outbox", {keyPath: "seq", autoIncrement: true});
        outbox.createIndex("user", "user");
        db.createObjectStore("meta", {keyPath: "name"});
      };
      r.onsuccess = function () {
        var db = r.result;
        // Another tab deleting the database (sign-out) must not wait on this one.
        db.onversionchange = function () { db.close(); opening = null; };
        resolve(db);
      };
      r.onerror = function () { opening = null; reject(r.error); };
      r.onblocked = function () { /* another tab closes its copy on versionchange */ };
    });
    return opening;
  }

  // Runs fn(stores) in one transaction; resolves with fn's result once it has committed.
  function run(names, mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(names, mode), out;
        var stores = {};
        names.forEach(function (n) { stores[n] = t.objectStore(n); });
        Promise.resolve(fn(stores)).then(function (v) { out = v; }, reject);
        t.oncomplete = function () { resolve(out); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }

  function destroy() {
    return open().then(function (db) {
      db.close();
      opening = null;
      return new Promise(function (resolve) {
        var r = indexedDB.deleteDatabase(NAME);
        r.onsuccess = r.onerror = r.onblocked = function () { resolve(); };
      });
    });
  }

  // --- Crypto --------------------------------------------------------------------------------
  function fromBase64(text) {
    var bin = atob(text), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }
  function importKey(base64) {
    return crypto.subtle.importKey("raw", fromBase64(base64), {name: "AES-GCM"}, false,
      ["encrypt", "decrypt"]);
  }
  function encrypt(key, value) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var plain = new TextEncoder().encode(JSON.stringify(value));
    return crypto.subtle.encrypt({name: "AES-GCM", iv: iv}, key, plain).then(function (ct) {
      return {iv: iv, ct: ct};
    });
  }
  function decrypt(key, box) {
    return crypto.subtle.decrypt({name: "AES-GCM", iv: box.iv}, key, box.ct).then(function (plain) {
      return JSON.parse(new TextDecoder().decode(plain));
    });
  }

  // --- Keys and who is signed in -------------------------------------------------------------
  function saveKey(user, base64, deadline, skew) {
    return importKey(base64).then(function (key) {
      return run(["keys", "meta"], "readwrite", function (s) {
        s.keys.put({user: user, key: key, deadline: deadline, skew: skew || 0});
        s.meta.put({name: "current", user: user});
      });
    });
  }
  function getKey(user) {
    return run(["keys"], "readonly", function (s) { return req(s.keys.get(user)); })
      .then(function (rec) { return rec && rec.deadline > Date.now() ? rec : null; });
  }
  function setDeadline(user, deadline) {
    return run(["keys"], "readwrite", function (s) {
      return req(s.keys.get(user)).then(function (rec) {
        if (rec) { rec.deadline = deadline; s.keys.put(rec); }
      });
    });
  }
  function current() {
    return run(["meta"], "readonly", function (s) { return req(s.meta.get("current")); })
      .then(function (rec) { return rec ? rec.user : null; });
  }

  // --- The pack ------------------------------------------------------------------------------
  function savePack(user, pack) {
    return getKey(user).then(function (rec) {
      if (!rec) throw new Error("no key");
      return encrypt(rec.key, pack).then(function (box) {
        return run(["packs"], "readwrite", function (s) {
          s.packs.put({user: user, iv: box.iv, ct: box.ct, refreshed: Date.now()});
        });
      });
    });
  }
  function getPack(user) {
    return getKey(user).then(function (rec) {
      if (!rec) return null;
      return run(["packs"], "readonly", function (s) { return req(s.packs.get(user)); })
        .then(function (box) {
          if (!box) return null;
          return decrypt(rec.key, box).then(function (pack) {
            return {pack: pack, refreshed: box.refreshed, skew: rec.skew};
          });
        });
    });
  }

  // --- The outbox ----------------------------------------------------------------------------
  function addRecord(user, record) {
    return getKey(user).then(function (rec) {
      if (!rec) throw new Error("no key");
      return encrypt(rec.key, record).then(function (box) {
        return run(["outbox"], "readwrite", function (s) {
          return req(s.outbox.add({user: user, state: "waiting", iv: box.iv, ct: box.ct, at: Date.now()}));
        });
      });
    });
  }
  // Replaces a record's contents and state (after an answer, or a correction).
  function putRecord(user, seq, state, record) {
    return getKey(user).then(function (rec) {
      if (!rec) throw new Error("no key");
      return encrypt(rec.key, record).then(function (box) {
        return run(["outbox"], "readwrite", function (s) {
          return req(s.outbox.get(seq)).then(function (row) {
            if (!row || row.user !== user) return;
            row.state = state; row.iv = box.iv; row.ct = box.ct;
            s.outbox.put(row);
          });
        });
      });
    });
  }
  function rows(user) {
    return run(["outbox"], "readonly", function (s) {
      return req(s.outbox.index("user").getAll(user));
    }).then(function (list) { return list.sort(function (a, b) { return a.seq - b.seq; }); });
  }
  // This person's records, oldest first, decrypted: [{seq, state, record}].
  function records(user) {
    return getKey(user).then(function (rec) {
      if (!rec) return [];
      return rows(user).then(function (list) {
        return Promise.all(list.map(function (row) {
          return decrypt(rec.key, row).then(function (record) {
            return {seq: row.seq, state: row.state, record: record};
          });
        }));
      });
    });
  }
  function removeRecord(user, seq) {
    return run(["outbox"], "readwrite", function (s) {
      return req(s.outbox.get(seq)).then(function (row) {
        if (row && row.user === user) s.outbox.delete(seq);
      });
    });
  }
  function unsentCount(user) {
    return rows(user).then(function (list) {
      return list.filter(function (r) { return UNSENT.indexOf(r.state) !== -1; }).length;
    });
  }

  // --- Forgetting ----------------------------------------------------------------------------
  // Makes the device agree with the page: `user` is the person signed in ("" for nobody).
  // Every other person's key and pack go, and so do those of anyone whose sign-in has
  // ended; their records already saved by the server go too, their unsent ones stay,
  // encrypted, for when they sign in again. Nothing left: the database itself goes.
  function settle(user) {
    return exists().then(function (there) {
      if (!there) return;
      var now = Date.now();
      return run(STORES, "readwrite", function (s) {
        return Promise.all([req(s.keys.getAll()), req(s.packs.getAll()), req(s.outbox.getAll())])
          .then(function (all) {
            var live = {};
            all[0].forEach(function (k) {
              if (k.user === user && k.deadline > now) live[k.user] = true;
              else s.keys.delete(k.user);
            });
            all[1].forEach(function (p) { if (!live[p.user]) s.packs.delete(p.user); });
            var left = 0;
            all[2].forEach(function (r) {
              if (!live[r.user] && r.state === "saved") s.outbox.delete(r.seq); else left++;
            });
            if (live[user]) s.meta.put({name: "current", user: user});
            else s.meta.delete("current");
            return Object.keys(live).length + left;
          });
      });
    }).then(function (left) {
      if (left === 0) return destroy();
    });
  }
  // Sign-out: this person's key and pack go now (settle with nobody signed in).
  function forget() { return settle(""); }

  window.SENDeskOffline = {
    exists: exists, settle: settle, forget: forget, current: current,
    saveKey: saveKey, getKey: getKey, setDeadline: setDeadline,
    savePack: savePack, getPack: getPack,
    addRecord: addRecord, putRecord: putRecord, records: records,
    removeRecord: removeRecord, unsentCount: unsentCount, UNSENT: UNSENT
  };
})();
