//! Opening the store: the one place that decides where it lives, who may write it and when the
//! bundled data is loaded.
//!
//! Oxigraph allows one read-write `Store` per directory, and reading a directory while another
//! process writes it is undefined. A lock file beside the database (`twinning.lock`, exclusive for
//! writers, shared for readers) turns both cases into a clear "store is in use" error.
//!
//! A bulk load commits its data and its derived graph in two steps. Between them a marker file
//! (`twinning.derive-pending`) says that the derived graph may be stale; the next open of a store
//! that has it recomputes the derived graph (with a note) before anything reads it.

use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};

use oxigraph::store::Store;

use crate::bundle;
use crate::error::{Error, Result};
use crate::load;

const LOCK_FILE: &str = "twinning.lock";
/// Records which bundle (by digest) a store was last filled from.
const BUNDLE_MARKER: &str = "twinning.bundle";
/// Present while the derived graph may not follow from the data (see the module comment).
const DERIVE_PENDING: &str = "twinning.derive-pending";

/// Where the store lives.
#[derive(Debug, Clone)]
pub enum Location {
    /// A throwaway in-memory store, loaded with the bundled data.
    Memory,
    /// A persistent RocksDB store in this directory.
    Directory(PathBuf),
}

impl Location {
    /// The default store directory: `$XDG_DATA_HOME/twinning/store` (on Linux usually
    /// `~/.local/share/twinning/store`), or `./.twinning-store` when no data directory is known.
    pub fn default_directory() -> PathBuf {
        dirs::data_dir().map_or_else(
            || PathBuf::from(".twinning-store"),
            |dir| dir.join("twinning").join("store"),
        )
    }

    /// A human-readable name for messages.
    pub fn describe(&self) -> String {
        match self {
            Self::Memory => "in-memory store".to_owned(),
            Self::Directory(path) => path.display().to_string(),
        }
    }
}

/// An open store, with the lock that keeps other processes out while it is open.
pub struct Session {
    /// The store itself.
    pub store: Store,
    /// Where it lives.
    pub location: Location,
    _lock: Option<File>,
    writable: bool,
    /// The open found an interrupted derivation and completed it.
    pub derived_on_open: bool,
}

impl Drop for Session {
    /// A writer flushes RocksDB's memtables to disk before it lets go: committed writes are safe
    /// in the write-ahead log either way, but every later open would otherwise replay that log
    /// (seconds on a large store, for every query).
    fn drop(&mut self) {
        if self.writable && matches!(self.location, Location::Directory(_)) {
            if let Err(error) = self.store.flush() {
                eprintln!(
                    "note: {}: could not flush the store ({error}); the next open replays its log",
                    self.location.describe()
                );
            }
        }
    }
}

impl Session {
    /// Opens the store for a command that writes (`load`): exclusive, created if missing.
    pub fn open_for_writing(location: &Location) -> Result<Self> {
        match location {
            Location::Memory => Ok(Self {
                store: Store::new()?,
                location: location.clone(),
                _lock: None,
                writable: true,
                derived_on_open: false,
            }),
            Location::Directory(path) => {
                fs::create_dir_all(path).map_err(|e| open_error(path, e))?;
                let lock = lock_exclusive(path)?;
                let store = Store::open(path).map_err(|e| open_error(path, e))?;
                remove_interrupted_bulk_files(path);
                let mut session = Self {
                    store,
                    location: location.clone(),
                    _lock: Some(lock),
                    writable: true,
                    derived_on_open: false,
                };
                session.derived_on_open = session.finish_interrupted_derivation()?;
                Ok(session)
            }
        }
    }

    /// Records, before a change that commits the data apart from its derived graph, that the
    /// derived graph may be stale until [`Session::derivation_done`].
    pub fn derivation_pending(&self) -> Result<()> {
        if let Location::Directory(path) = &self.location {
            let marker = path.join(DERIVE_PENDING);
            let file = File::create(&marker).map_err(|e| Error::io(&marker, e))?;
            file.sync_all().map_err(|e| Error::io(&marker, e))?;
            // The marker's directory entry must reach the disk before the data does.
            File::open(path)
                .and_then(|dir| dir.sync_all())
                .map_err(|e| Error::io(path, e))?;
        }
        Ok(())
    }

    /// The derived graph follows from the data again.
    pub fn derivation_done(&self) -> Result<()> {
        if let Location::Directory(path) = &self.location {
            let marker = path.join(DERIVE_PENDING);
            match fs::remove_file(&marker) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::io(&marker, e))
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A load killed (or failed) between committing its data and its derived graph left the
    /// marker: the derived graph is recomputed now, before anything reads it.
    fn finish_interrupted_derivation(&self) -> Result<bool> {
        let Location::Directory(path) = &self.location else {
            return Ok(false);
        };
        if !path.join(DERIVE_PENDING).exists() {
            return Ok(false);
        }
        eprintln!(
            "note: {}: a load stopped before it recomputed the derived graph; recomputing it now",
            path.display()
        );
        load::rederive_in_bulk(&self.store, &mut crate::progress::Progress::new(1))?;
        self.derivation_done()?;
        Ok(true)
    }

    /// Opens the store for a command that only reads. A missing or empty store is first filled
    /// with the bundled ontology and data, so every reading command works on a fresh machine.
    pub fn open_for_reading(location: &Location) -> Result<Self> {
        if let Location::Directory(path) = location {
            if has_database(path) && path.join(DERIVE_PENDING).exists() {
                // Repaired by a writer first (see `finish_interrupted_derivation`).
                drop(Self::open_for_writing(location)?);
            }
            if has_database(path) {
                let lock = lock_shared(path)?;
                let store = Store::open_read_only(path).map_err(|e| open_error(path, e))?;
                if !store.is_empty()? {
                    warn_if_stale(path);
                    return Ok(Self {
                        store,
                        location: location.clone(),
                        _lock: lock,
                        writable: false,
                        derived_on_open: false,
                    });
                }
            }
        }
        let session = Self::open_for_writing(location)?;
        load::load_bundle(&session.store)?;
        session.mark_bundle_loaded()?;
        let Location::Directory(path) = location else {
            return Ok(session);
        };
        eprintln!(
            "note: the store {} was empty: loaded the bundled ontology and data",
            path.display()
        );
        // Reopened read-only, so that other readers (a `twinning serve` among them) can share
        // the store with this command.
        drop(session);
        let lock = lock_shared(path)?;
        let store = Store::open_read_only(path).map_err(|e| open_error(path, e))?;
        Ok(Self {
            store,
            location: location.clone(),
            _lock: lock,
            writable: false,
            derived_on_open: false,
        })
    }

    /// Opens the store for a command that adds to it (`import`): exclusive, and filled with the
    /// bundled ontology and data first when it is empty, so names can be matched.
    pub fn open_for_update(location: &Location) -> Result<Self> {
        let session = Self::open_for_writing(location)?;
        if session.store.is_empty()? {
            load::load_bundle(&session.store)?;
            session.mark_bundle_loaded()?;
        }
        Ok(session)
    }

    /// Removes the sorted runs a failed bulk load left in the store directory (a full disk leaves
    /// them, taking the space the user needs to recover).
    pub fn remove_bulk_leftovers(&self) {
        if let Location::Directory(path) = &self.location {
            remove_interrupted_bulk_files(path);
        }
    }

    /// Notes that the store now holds this binary's bundled ontology and data.
    pub fn mark_bundle_loaded(&self) -> Result<()> {
        if let Location::Directory(path) = &self.location {
            let marker = path.join(BUNDLE_MARKER);
            fs::write(&marker, bundle::DIGEST).map_err(|e| Error::io(marker, e))?;
        }
        Ok(())
    }
}

/// A store filled from another build's bundle still answers, but maybe not with today's data:
/// say so once, on standard error.
fn warn_if_stale(path: &Path) {
    if let Ok(digest) = fs::read_to_string(path.join(BUNDLE_MARKER)) {
        if digest.trim() != bundle::DIGEST {
            eprintln!(
                "note: {} holds the bundled data of another twinning build; run `twinning load` to refresh it",
                path.display()
            );
        }
    }
}

/// Oxigraph's bulk loader writes its sorted runs as `bulk-*.sst` files in the store directory and
/// deletes them once ingested, or when it fails; a load killed by a signal (Ctrl-C) leaves them,
/// gigabytes at world scale. They are never part of the database (RocksDB copies what it ingests),
/// and no other writer can be loading now: we hold the store's exclusive lock and RocksDB's.
fn remove_interrupted_bulk_files(path: &Path) {
    let Ok(entries) = fs::read_dir(path) else {
        return;
    };
    let (mut files, mut bytes) = (0, 0);
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("bulk-") && name.ends_with(".sst") {
            let size = entry.metadata().map_or(0, |m| m.len());
            if fs::remove_file(entry.path()).is_ok() {
                files += 1;
                bytes += size;
            }
        }
    }
    if files > 0 {
        eprintln!(
            "note: removed {files} temporary file(s) ({:.1} MB) left in {} by an interrupted bulk load",
            bytes as f64 / 1e6,
            path.display()
        );
    }
}

fn has_database(path: &Path) -> bool {
    path.join("CURRENT").is_file()
}

fn open_error(path: &Path, source: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::StoreOpen {
        path: path.to_owned(),
        cause: Box::new(source),
    }
}

fn lock_exclusive(path: &Path) -> Result<File> {
    let lock_path = path.join(LOCK_FILE);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| open_error(path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(Error::StoreInUse {
            path: path.to_owned(),
        }),
        Err(TryLockError::Error(e)) => Err(open_error(path, e)),
    }
}

/// Readers share the lock. A store on a read-only medium may have no lock file and cannot get
/// one; nobody can write it either, so reading it unlocked is safe.
fn lock_shared(path: &Path) -> Result<Option<File>> {
    let Ok(file) = File::open(path.join(LOCK_FILE)) else {
        return Ok(None);
    };
    match file.try_lock_shared() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Err(Error::StoreInUse {
            path: path.to_owned(),
        }),
        Err(TryLockError::Error(e)) => Err(open_error(path, e)),
    }
}
