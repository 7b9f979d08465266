from ganeti_webmgr import __version__


def gwm(request):
    return {"gwm_version": __version__}
