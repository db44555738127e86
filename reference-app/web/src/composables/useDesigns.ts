import { ref, watch, type Ref } from 'vue';
import { api, ApiError, errorText, type Design } from '../lib/api';
import { UPLOADS } from '../lib/categories';
import { forgetUpload, myUploadIds } from '../lib/myUploads';

/** This browser's ready uploads, newest first; forgets ids the API no longer knows. */
async function loadMyUploads(signal: AbortSignal): Promise<Design[]> {
  const results = await Promise.all(
    myUploadIds().map(async (id): Promise<Design | null> => {
      try {
        const d = await api.getDesign(id, signal);
        return d.status === 'ready' && d.thumbnailUrl
          ? {
              id: d.id,
              category: d.category ?? '',
              title: d.title ?? 'Your design',
              thumbnailUrl: d.thumbnailUrl,
              imageUrl: d.imageUrl ?? null,
              ...(d.visibility === 'public' && d.moderation ? { review: d.moderation } : {}),
            }
          : null;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) forgetUpload(id);
        else throw e;
        return null;
      }
    }),
  );
  return results.filter((d): d is Design => d !== null);
}

/** Designs of one category with cursor paging; reloads when the category changes. */
export function useDesigns(category: Ref<string>) {
  const items = ref<Design[]>([]);
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const loadingMore = ref(false);
  const error = ref<string | null>(null);
  let controller: AbortController | null = null;

  async function load(more = false) {
    controller?.abort();
    controller = new AbortController();
    const signal = controller.signal;
    if (more) loadingMore.value = true;
    else {
      loading.value = true;
      items.value = [];
      nextCursor.value = null;
    }
    error.value = null;
    try {
      if (category.value === UPLOADS) {
        items.value = await loadMyUploads(signal);
        nextCursor.value = null;
      } else {
        const page = await api.listDesigns(category.value, more ? nextCursor.value : null, signal);
        items.value = more ? [...items.value, ...page.items] : page.items;
        nextCursor.value = page.nextCursor ?? null;
      }
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      error.value = errorText(e);
    } finally {
      if (!signal.aborted) {
        loading.value = false;
        loadingMore.value = false;
      }
    }
  }

  watch(category, () => void load(), { immediate: true });
  return { items, nextCursor, loading, loadingMore, error, load, loadMore: () => load(true) };
}
