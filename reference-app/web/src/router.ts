import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { SITE_PATHS } from '../../api/src/http/site-paths';
import GalleryView from './views/GalleryView.vue';

// Page paths come from the list the server also uses to answer unknown paths with 404. The gallery
// is the landing page and ships in the entry chunk; every other page is a lazy chunk so a signer
// opening a share link downloads only what the sign page needs.
export const routes: RouteRecordRaw[] = [
  { path: SITE_PATHS.gallery, name: 'gallery', component: GalleryView, meta: { title: 'Choose a design' } },
  {
    path: SITE_PATHS.create,
    name: 'create',
    component: () => import('./views/CreateCardView.vue'),
    meta: { title: 'Create a card' },
  },
  {
    path: SITE_PATHS.share,
    name: 'share',
    component: () => import('./views/ShareView.vue'),
    meta: { title: 'Share your card' },
  },
  {
    path: SITE_PATHS.owner,
    name: 'owner',
    component: () => import('./views/OwnerView.vue'),
    meta: { title: 'Manage your card' },
  },
  {
    path: SITE_PATHS.sign,
    name: 'sign',
    component: () => import('./views/SignView.vue'),
    meta: { title: 'Sign the card' },
  },
  {
    path: SITE_PATHS.upload,
    name: 'upload',
    component: () => import('./views/UploadView.vue'),
    meta: { title: 'Upload a design' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./views/NotFoundView.vue'),
    meta: { title: 'Page not found' },
  },
];

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
});

router.afterEach((to, from) => {
  const title = typeof to.meta.title === 'string' ? to.meta.title : '';
  document.title = title ? `${title} · GoodGreets` : 'GoodGreets';
  // A new page (not a query change on the same one): move focus to the content, as a full page
  // load would, so keyboard and screen reader users start at the top of it.
  if (from.matched.length && to.path !== from.path) document.getElementById('main')?.focus({ preventScroll: true });
});
