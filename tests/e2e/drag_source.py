#!/usr/bin/python3
"""A small GTK window that offers files for drag and drop, as a file manager does: the
end-to-end tests drag from it onto Hearth's window with xdotool.

Usage: drag_source.py X Y FILE...  (the window's top-left corner on the screen, and the files).
Prints "ready" once shown; exits when the drag ends.
"""
import os
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

x, y = int(sys.argv[1]), int(sys.argv[2])
uris = [GLib.filename_to_uri(os.path.abspath(path)) for path in sys.argv[3:]]

window = Gtk.Window(title="hearth-drag-source")
window.set_default_size(160, 80)
window.move(x, y)
button = Gtk.Button(label="Drag these files")
window.add(button)
button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
button.drag_source_add_uri_targets()
button.connect("drag-data-get", lambda _w, _c, data, _i, _t: data.set_uris(uris))
button.connect("drag-end", lambda *_: Gtk.main_quit())
window.connect("destroy", Gtk.main_quit)
window.show_all()
GLib.idle_add(lambda: print("ready", flush=True) and False)
Gtk.main()
